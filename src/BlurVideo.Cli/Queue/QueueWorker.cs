using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlurVideo.Cli.Report;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BlurVideo.Cli.Queue;

/// <summary>
/// <c>blurvideo worker</c>: consumes report jobs with manual acknowledgements, at most <c>concurrency</c> at a time
/// (prefetch = concurrency), and acknowledges a job only once its output is in place (or it was dead-lettered). A job
/// whose run fails goes back to the queue's tail up to <see cref="QueueTopology.MaxAttempts"/> runs, then to the dead
/// letters with the reason. The connection, channels and consumers are recovered after a broker restart; a delivery the
/// broker sends again then finds the output in place and is acknowledged without being redone.
/// </summary>
/// <remarks>
/// Jobs run on the worker's own tasks, not inside the client's delivery callback: the client closes a lost channel only
/// after its callbacks have returned, and closes the connection's channels one after another, so a job still running
/// (or publishing its result) inside a callback would hold up the closing of the publishing channel, whose pending
/// confirmations then fail only at their timeout, and keep the job counted as running meanwhile. A delivery of a lost
/// channel is never settled: its tag means nothing on the recovered channel, and the broker has already put the message
/// back; its redelivery finds the finished output (if the run got that far) and publishes the result.
/// </remarks>
internal sealed class QueueWorker : IDisposable
{
    private readonly Uri _broker;
    private readonly int _concurrency;
    private readonly TextWriter _log;
    private readonly string _name = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly ConcurrentDictionary<Delivery, RunningJob> _running = new();
    private readonly SemaphoreSlim _acks = new(1, 1);
    private readonly SemaphoreSlim _slots;
    private IChannel _jobs = null!;
    private IChannel _publish = null!;
    private CancellationToken _stopping;
    private int _connection;
    private int _pending;
    private int _done;
    private int _failed;

    public QueueWorker(Uri broker, int concurrency, TextWriter log)
    {
        _broker = broker;
        _concurrency = concurrency;
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _log = TextWriter.Synchronized(log);
    }

    public void Dispose()
    {
        _acks.Dispose();
        _slots.Dispose();
    }

    /// <summary>Consumes jobs until <paramref name="cancellationToken"/> fires; running jobs are then stopped and handed back to the queue.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            // From now on the deliveries received so far belong to a lost channel (registered before any channel, so
            // this runs before the client closes them).
            Interlocked.Increment(ref _connection);
            if (!cancellationToken.IsCancellationRequested)
            {
                _log.WriteLine($"worker: connection to the broker lost ({args.ReplyText}); reconnecting.");
            }

            return Task.CompletedTask;
        };
        connection.RecoverySucceededAsync += (_, _) =>
        {
            _log.WriteLine("worker: reconnected to the broker.");
            return Task.CompletedTask;
        };

        _jobs = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _publish = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken).ConfigureAwait(false);
        await QueueTopology.DeclareAsync(_jobs, cancellationToken).ConfigureAwait(false);
        await _jobs.BasicQosAsync(0, (ushort)_concurrency, global: false, cancellationToken).ConfigureAwait(false);

        var consumer = new AsyncEventingBasicConsumer(_jobs);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Accept(delivery);
            return Task.CompletedTask;
        };
        await _jobs.BasicConsumeAsync(QueueTopology.Jobs, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);

        await using var control = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var controlQueue = await control.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await control.QueueBindAsync(controlQueue.QueueName, QueueTopology.Control, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        var controlConsumer = new AsyncEventingBasicConsumer(control);
        controlConsumer.ReceivedAsync += (_, request) => AnswerStatusAsync(request);
        await control.BasicConsumeAsync(controlQueue.QueueName, autoAck: true, controlConsumer, cancellationToken).ConfigureAwait(false);

        await _log.WriteLineAsync($"worker {_name}: consuming {QueueTopology.Jobs} on {QueueTopology.Describe(_broker)}, {_concurrency} at a time.").ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the running and waiting jobs see the same token and hand their deliveries back.
        }

        while (Volatile.Read(ref _pending) > 0)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        await _log.WriteLineAsync($"worker {_name}: stopped after {_done} done, {_failed} failed.").ConfigureAwait(false);
        await _jobs.DisposeAsync().ConfigureAwait(false);
        await _publish.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Connects, waiting for the broker while it is unreachable (a worker may start before it).</summary>
    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = QueueTopology.Factory(_broker, $"blurvideo worker {_name}");
        var waiting = false;
        while (true)
        {
            try
            {
                return await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerUnreachableException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!waiting)
                {
                    await _log.WriteLineAsync($"worker: waiting for the broker at {QueueTopology.Describe(_broker)} ({ex.InnerException?.Message ?? ex.Message}).").ConfigureAwait(false);
                    waiting = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes a delivery out of the client's callback (copying what outlives it) and runs it on a task of its own.</summary>
    private void Accept(BasicDeliverEventArgs args)
    {
        var delivery = new Delivery(args.DeliveryTag, args.Body.ToArray(), args.BasicProperties, Volatile.Read(ref _connection), args.CancellationToken);
        Interlocked.Increment(ref _pending);
        _ = Task.Run(async () =>
        {
            try
            {
                await HandleJobAsync(delivery).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Not expected (every path settles or gives up); logged rather than lost, and the delivery is redelivered with the channel.
                await _log.WriteLineAsync($"worker: a delivery ended with {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
    }

    /// <summary>Whether the delivery's channel was lost since it arrived: its tag cannot be settled any more, and the broker sends it again.</summary>
    private bool IsLost(Delivery delivery) =>
        delivery.ChannelClosed.IsCancellationRequested || delivery.Connection != Volatile.Read(ref _connection);

    private async Task HandleJobAsync(Delivery delivery)
    {
        var job = QueueJob.TryParse(delivery.Body, out var parseError);
        if (job is null)
        {
            await _log.WriteLineAsync($"worker: dead-lettering a message that is {parseError}.").ConfigureAwait(false);
            await SettleAsync(delivery, () => PublishAsync(QueueTopology.DeadLetterExchange, "", delivery.Body, delivery.Properties.MessageId, Headers(0, parseError))).ConfigureAwait(false);
            return;
        }

        var name = ReportRunner.InputName(job.Input);
        try
        {
            await _slots.WaitAsync(_stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await SettleAsync(delivery, null, requeue: true).ConfigureAwait(false);
            return;
        }

        var attempt = Attempts(delivery.Properties) + 1;
        try
        {
            if (IsLost(delivery))
            {
                // It waited for a slot while its channel was lost; the broker has given it to a consumer again.
                return;
            }

            _running[delivery] = new RunningJob(job.JobId, job.Input, attempt, DateTime.UtcNow);
            var (outcome, result) = await ReportJob.RunAsync(job, attempt, _name, _stopping).ConfigureAwait(false);
            switch (outcome)
            {
                case JobOutcome.Done:
                    Interlocked.Increment(ref _done);
                    await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"worker: done {name} ({job.JobId}) in {result.RunSeconds:F1} s: {result.Segments.Count} segment(s).")).ConfigureAwait(false);
                    await SettleAsync(delivery, async () =>
                    {
                        await PublishResultAsync(result).ConfigureAwait(false);
                        await UnmarkAsync(job).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                    break;
                case JobOutcome.AlreadyDone:
                    // The run that made the output may have ended (killed, broker gone) before its result was published.
                    await _log.WriteLineAsync($"worker: {name} ({job.JobId}) is already done; acknowledged without redoing it.").ConfigureAwait(false);
                    await SettleAsync(delivery, async () =>
                    {
                        if (!JobResult.IsPublished(result.OutputDirectory))
                        {
                            await PublishResultAsync(result).ConfigureAwait(false);
                        }

                        await UnmarkAsync(job).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                    break;
                default:
                    await FailAsync(delivery, job, attempt, result).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await _log.WriteLineAsync($"worker: stopping; {name} ({job.JobId}) goes back to the queue.").ConfigureAwait(false);
            await SettleAsync(delivery, null, requeue: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never leave a delivery unsettled on a live channel: it would hold this worker's prefetch for good.
            await _log.WriteLineAsync($"worker: {name} ({job.JobId}): {ex.GetType().Name}: {ex.Message}; handed back to the queue.").ConfigureAwait(false);
            await SettleAsync(delivery, null, requeue: true).ConfigureAwait(false);
        }
        finally
        {
            // Whether or not the delivery could be settled, this run is over and its slot free.
            _running.TryRemove(delivery, out _);
            _slots.Release();
        }
    }

    /// <summary>A failed run: the job goes to the queue's tail again, or after the last attempt to the dead letters; either way its result says why.</summary>
    private async Task FailAsync(Delivery delivery, QueueJob job, int attempt, JobResult result)
    {
        var name = ReportRunner.InputName(job.Input);
        var headers = Headers(attempt, result.Error);
        if (attempt < QueueTopology.MaxAttempts)
        {
            await _log.WriteLineAsync($"worker: {name} ({job.JobId}) failed (attempt {attempt} of {QueueTopology.MaxAttempts}): {result.Error}; queued again.").ConfigureAwait(false);
            await SettleAsync(delivery, () => PublishAsync("", QueueTopology.Jobs, delivery.Body, job.JobId, headers)).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _failed);
        await _log.WriteLineAsync($"worker: {name} ({job.JobId}) failed {attempt} times: {result.Error}; dead-lettered.").ConfigureAwait(false);
        await SettleAsync(delivery, async () =>
        {
            await PublishAsync(QueueTopology.DeadLetterExchange, "", delivery.Body, job.JobId, headers).ConfigureAwait(false);
            await PublishAsync(QueueTopology.Results, result.Status, result.ToBytes(), job.JobId, null).ConfigureAwait(false);
            await UnmarkAsync(job).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes what the delivery led to (confirmed by the broker), then acknowledges it; or hands it back. While the
    /// connection is down (a broker restart) it tries again until the connection is back. A delivery whose channel was
    /// lost is left alone: the broker puts it back, and its redelivery publishes what is missing (a done job's result is
    /// marked published in its output folder once confirmed).
    /// </summary>
    private async Task SettleAsync(Delivery delivery, Func<Task>? publish, bool requeue = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        var reported = false;
        while (true)
        {
            if (IsLost(delivery))
            {
                await _log.WriteLineAsync("worker: a delivery of the lost connection is not settled; the broker sends it again.").ConfigureAwait(false);
                return;
            }

            try
            {
                if (publish is not null)
                {
                    await publish().ConfigureAwait(false);
                    publish = null;
                }

                await _acks.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    // Checked again under the lock: a tag of a lost channel must not reach the recovered one.
                    if (IsLost(delivery))
                    {
                        continue;
                    }

                    if (requeue)
                    {
                        await _jobs.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await _jobs.BasicAckAsync(delivery.Tag, multiple: false, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _acks.Release();
                }

                return;
            }
            catch (Exception ex) when (IsBrokerTrouble(ex))
            {
                if (DateTime.UtcNow > deadline || (_stopping.IsCancellationRequested && reported))
                {
                    // The delivery stays unacknowledged; the broker sends it again when this connection ends.
                    await _log.WriteLineAsync($"worker: could not settle a delivery ({ex.Message}); giving up on it.").ConfigureAwait(false);
                    return;
                }

                if (!reported)
                {
                    await _log.WriteLineAsync($"worker: could not settle a delivery yet ({ex.Message}); trying again.").ConfigureAwait(false);
                    reported = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static bool IsBrokerTrouble(Exception exception) =>
        exception is AlreadyClosedException or OperationInterruptedException or PublishException or IOException or TimeoutException
            or OperationCanceledException;

    /// <summary>Publishes a done job's result and marks it published in its output folder.</summary>
    private async Task PublishResultAsync(JobResult result)
    {
        await PublishAsync(QueueTopology.Results, result.Status, result.ToBytes(), result.JobId, null).ConfigureAwait(false);
        JobResult.MarkPublished(result.OutputDirectory);
    }

    /// <summary>Deletes the job's queued mark (see <see cref="QueueTopology.QueuedMark"/>): it may be submitted again. Idempotent.</summary>
    private async Task UnmarkAsync(QueueJob job)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _publish.ExchangeDeleteAsync(QueueTopology.QueuedMark(job.JobId), ifUnused: false, cancellationToken: timeout.Token).ConfigureAwait(false);
    }

    private async Task PublishAsync(string exchange, string routingKey, byte[] body, string? messageId, IDictionary<string, object?>? headers)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = messageId,
            Headers = headers,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _publish.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Answers <c>queue status</c>: this worker's running jobs and counts.</summary>
    private async Task AnswerStatusAsync(BasicDeliverEventArgs request)
    {
        if (request.BasicProperties.ReplyTo is not { Length: > 0 } replyTo)
        {
            return;
        }

        var status = new WorkerStatus(_name, _concurrency, _done, _failed, [.. _running.Values.OrderBy(job => job.StartedUtc)]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _publish.BasicPublishAsync("", replyTo, mandatory: false, new BasicProperties { CorrelationId = request.BasicProperties.CorrelationId },
                JsonSerializer.SerializeToUtf8Bytes(status, QueueJob.Json), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or PublishException or OperationCanceledException)
        {
            // The status command asks again next time.
        }
    }

    private static int Attempts(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(QueueTopology.AttemptsHeader, out var value) == true && value is int attempts ? attempts : 0;

    private static Dictionary<string, object?> Headers(int attempts, string? error) => new()
    {
        [QueueTopology.AttemptsHeader] = attempts,
        [QueueTopology.ErrorHeader] = Encoding.UTF8.GetBytes(error ?? ""),
    };
}

/// <summary>A job message as received: what outlives the client's callback, and which connection and channel it came on.</summary>
/// <param name="Tag">The delivery tag, meaningful on its own channel only.</param>
/// <param name="Body">The message body (copied: the client reuses its buffer).</param>
/// <param name="Properties">The message properties.</param>
/// <param name="Connection">The worker's connection count when it arrived.</param>
/// <param name="ChannelClosed">Fires when its channel is closed (the client's token for the delivery).</param>
internal sealed record Delivery(ulong Tag, byte[] Body, IReadOnlyBasicProperties Properties, int Connection, CancellationToken ChannelClosed)
{
    // Identity, not value equality: each delivery is one entry of the running set.
    public bool Equals(Delivery? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>A job a worker is running, as <c>queue status</c> shows it.</summary>
internal sealed record RunningJob(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc);

/// <summary>A worker's answer to <c>queue status</c>.</summary>
internal sealed record WorkerStatus(
    [property: JsonPropertyName("worker")] string Worker,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("running")] IReadOnlyList<RunningJob> Running);
