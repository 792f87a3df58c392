using System.Globalization;
using System.Text;
using System.Text.Json;
using BlurVideo.Cli.Commands;
using BlurVideo.Cli.Report;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BlurVideo.Cli.Queue;

/// <summary><c>blurvideo queue submit</c> and <c>blurvideo queue status</c>.</summary>
internal static class QueueClient
{
    /// <summary>
    /// Enqueues one durable, persistent job per video of <paramref name="input"/> (a file, a folder's videos, or an
    /// http(s)/rtsp(s) URL); a video whose output for the same job is already complete, or whose job is still queued or
    /// running (its <see cref="QueueTopology.QueuedMark"/> exists), is not enqueued again.
    /// </summary>
    /// <returns>The number of jobs queued, already done, and already queued.</returns>
    /// <exception cref="VideoJobException">No such input, or the broker cannot be reached.</exception>
    public static async Task<(int Queued, int AlreadyDone, int AlreadyQueued)> SubmitAsync(
        Uri broker, string input, string outputRoot, ReportSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var inputs = ReportRunner.ListInputs(input);
        await using var connection = await ConnectAsync(broker, "blurvideo queue submit", cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken).ConfigureAwait(false);
        await QueueTopology.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        int queued = 0, alreadyDone = 0, alreadyQueued = 0;
        foreach (var path in inputs)
        {
            var job = QueueJob.Create(path, outputRoot, settings);
            var name = ReportRunner.InputName(path);
            if (JobResult.ReadDone(job.OutputDirectory, job.JobId) is not null)
            {
                await output.WriteLineAsync($"{name}: already done ({job.JobId}), {job.OutputDirectory}").ConfigureAwait(false);
                alreadyDone++;
                continue;
            }

            var mark = QueueTopology.QueuedMark(job.JobId);
            if (await ExchangeExistsAsync(connection, mark, cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"{name}: already queued ({job.JobId}), not queued again").ConfigureAwait(false);
                alreadyQueued++;
                continue;
            }

            // The mark first: a worker that finishes the job deletes it, so it never outlives the job.
            await channel.ExchangeDeclareAsync(mark, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json", MessageId = job.JobId };
            await channel.BasicPublishAsync("", QueueTopology.Jobs, mandatory: true, properties, job.ToBytes(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{name}: queued ({job.JobId})").ConfigureAwait(false);
            queued++;
        }

        return (queued, alreadyDone, alreadyQueued);
    }

    /// <summary>Whether the exchange exists (a passive declare; the broker closes the asking channel when it does not, so it gets one of its own).</summary>
    private static async Task<bool> ExchangeExistsAsync(IConnection connection, string exchange, CancellationToken cancellationToken)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await probe.ExchangeDeclarePassiveAsync(exchange, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return false;
        }
    }

    /// <summary>Prints the queue's state: queued, running (asked of the workers), done and failed jobs, and the latest failures' reasons.</summary>
    /// <exception cref="VideoJobException">The broker cannot be reached.</exception>
    public static async Task StatusAsync(Uri broker, TextWriter output, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(broker, "blurvideo queue status", cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await QueueTopology.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        var jobs = await channel.QueueDeclarePassiveAsync(QueueTopology.Jobs, cancellationToken).ConfigureAwait(false);
        var done = await channel.QueueDeclarePassiveAsync(QueueTopology.DoneLog, cancellationToken).ConfigureAwait(false);
        var failed = await channel.QueueDeclarePassiveAsync(QueueTopology.Failed, cancellationToken).ConfigureAwait(false);
        var workers = await AskWorkersAsync(channel, (int)jobs.ConsumerCount, cancellationToken).ConfigureAwait(false);
        var running = workers.SelectMany(worker => worker.Running).ToArray();

        var inv = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(inv, $"queued   {jobs.MessageCount}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(inv, $"running  {running.Length}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(inv, $"done     {done.MessageCount}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(inv, $"failed   {failed.MessageCount}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(inv, $"workers  {workers.Count}")).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        foreach (var worker in workers.OrderBy(worker => worker.Worker, StringComparer.Ordinal))
        {
            await output.WriteLineAsync(string.Create(inv, $"  {worker.Worker}: {worker.Running.Count} of {worker.Concurrency} running, {worker.Done} done, {worker.Failed} failed since it started")).ConfigureAwait(false);
            foreach (var job in worker.Running)
            {
                await output.WriteLineAsync(string.Create(inv, $"    {ReportRunner.InputName(job.Input)} ({job.JobId}), attempt {job.Attempt}, {(now - job.StartedUtc).TotalSeconds:F0} s")).ConfigureAwait(false);
            }
        }

        foreach (var (name, reason) in await PeekFailuresAsync(connection, 10, cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"  failed: {name}: {reason}").ConfigureAwait(false);
        }
    }

    /// <exception cref="VideoJobException">The broker cannot be reached.</exception>
    private static async Task<IConnection> ConnectAsync(Uri broker, string clientName, CancellationToken cancellationToken)
    {
        try
        {
            return await QueueTopology.Factory(broker, clientName).CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new VideoJobException($"Cannot reach the broker at {QueueTopology.Describe(broker)}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>Asks every worker (over the control fanout, answers by direct reply-to) and collects the answers for up to 2 s.</summary>
    private static async Task<IReadOnlyList<WorkerStatus>> AskWorkersAsync(IChannel channel, int expected, CancellationToken cancellationToken)
    {
        var answers = new List<WorkerStatus>();
        if (expected == 0)
        {
            return answers;
        }

        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, answer) =>
        {
            try
            {
                if (JsonSerializer.Deserialize<WorkerStatus>(answer.Body.Span, QueueJob.Json) is { } status)
                {
                    lock (answers)
                    {
                        answers.Add(status);
                        if (answers.Count >= expected)
                        {
                            all.TrySetResult();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not a worker's answer.
            }

            return Task.CompletedTask;
        };
        const string replyTo = "amq.rabbitmq.reply-to";
        await channel.BasicConsumeAsync(replyTo, autoAck: true, consumer, cancellationToken).ConfigureAwait(false);
        await channel.BasicPublishAsync(QueueTopology.Control, "", mandatory: false, new BasicProperties { ReplyTo = replyTo }, "status"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)).ConfigureAwait(false);
        lock (answers)
        {
            return [.. answers];
        }
    }

    /// <summary>The newest dead letters' video names and reasons (read without removing them: unacknowledged, the channel's close puts them back).</summary>
    private static async Task<List<(string Name, string Reason)>> PeekFailuresAsync(IConnection connection, int count, CancellationToken cancellationToken)
    {
        var failures = new List<(string, string)>();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < count; i++)
        {
            if (await channel.BasicGetAsync(QueueTopology.Failed, autoAck: false, cancellationToken).ConfigureAwait(false) is not { } message)
            {
                break;
            }

            var job = QueueJob.TryParse(message.Body.Span, out _);
            failures.Add((job is null ? "(not a job)" : ReportRunner.InputName(job.Input), DeadLetterReason(message.BasicProperties)));
        }

        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        return failures;
    }

    /// <summary>The worker's reason, or the broker's (<c>x-first-death-reason</c>, e.g. <c>delivery_limit</c> when workers kept dying on it).</summary>
    public static string DeadLetterReason(IReadOnlyBasicProperties properties)
    {
        var headers = properties.Headers;
        if (headers?.TryGetValue(QueueTopology.ErrorHeader, out var error) == true && error is byte[] text && text.Length > 0)
        {
            return Encoding.UTF8.GetString(text);
        }

        return headers?.TryGetValue("x-first-death-reason", out var reason) == true && reason is byte[] brokerReason
            ? $"dead-lettered by the broker: {Encoding.UTF8.GetString(brokerReason)} (its workers stopped {QueueTopology.DeliveryLimit} times without finishing it)"
            : "unknown";
    }
}
