using RabbitMQ.Client;

namespace BlurVideo.Cli.Queue;

/// <summary>
/// The broker objects <c>blurvideo queue</c> and <c>blurvideo worker</c> share. Every command declares them (idempotent),
/// so any of them may be the first to meet a fresh broker.
/// </summary>
internal static class QueueTopology
{
    /// <summary>The jobs: a durable quorum queue; a delivery that keeps killing its workers is dead-lettered after <see cref="DeliveryLimit"/> tries.</summary>
    public const string Jobs = "blurvideo.jobs";

    /// <summary>Dead letters (fanout): jobs given up after <see cref="MaxAttempts"/> failed runs, or over the delivery limit.</summary>
    public const string DeadLetterExchange = "blurvideo.dead";

    /// <summary>Where dead letters stay, with their reason, until someone looks at them.</summary>
    public const string Failed = "blurvideo.jobs.failed";

    /// <summary>One small result message per finished job (topic exchange, routing key <c>done</c> or <c>failed</c>).</summary>
    public const string Results = "blurvideo.results";

    /// <summary>Keeps the <c>done</c> results (the newest <see cref="DoneLogLength"/>), which <c>queue status</c> counts.</summary>
    public const string DoneLog = "blurvideo.done";

    /// <summary>Fanout over which <c>queue status</c> asks the running workers what they are doing.</summary>
    public const string Control = "blurvideo.control";

    /// <summary>
    /// The mark of a job that is queued or running: a durable exchange named after the job id (no bindings; an exchange
    /// is a broker record, not a process, so one per waiting job is cheap). <c>queue submit</c> declares it before it
    /// publishes the job and does not publish a job whose mark exists; the worker deletes it once the job is finished
    /// (done, found done, or dead-lettered). It lives with the broker's data, so it goes away with the queue on a reset.
    /// </summary>
    public static string QueuedMark(string jobId) => $"blurvideo.queued.{jobId}";

    /// <summary>Runs of a failing job (each one a fresh delivery at the queue's tail) before it is dead-lettered.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Deliveries of one message that end without an acknowledgement (a worker killed, a broker restart) before the broker dead-letters it.</summary>
    public const int DeliveryLimit = 6;

    public const int DoneLogLength = 1_000_000;

    /// <summary>Header: how many runs of the job failed so far.</summary>
    public const string AttemptsHeader = "x-blurvideo-attempts";

    /// <summary>Header: why the last run failed (on a retried job and on a dead letter).</summary>
    public const string ErrorHeader = "x-blurvideo-error";

    /// <summary>A connection factory for <paramref name="broker"/> that recovers the connection, its channels and consumers after a broker restart.</summary>
    public static ConnectionFactory Factory(Uri broker, string clientName) => new()
    {
        Uri = broker,
        ClientProvidedName = clientName,
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        RequestedHeartbeat = TimeSpan.FromSeconds(15),
    };

    /// <summary>The broker's address without its password, for messages.</summary>
    public static string Describe(Uri broker) => $"{broker.Scheme}://{broker.Host}:{(broker.IsDefaultPort ? 5672 : broker.Port)}{broker.AbsolutePath}";

    /// <summary>Declares the exchanges, queues and bindings (idempotent).</summary>
    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(Results, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(Control, ExchangeType.Fanout, durable: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(Jobs, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = DeliveryLimit,
            ["x-dead-letter-exchange"] = DeadLetterExchange,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(Failed, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(Failed, DeadLetterExchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(DoneLog, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-length"] = DoneLogLength,
            ["x-queue-mode"] = "lazy",
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(DoneLog, Results, "done", cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
