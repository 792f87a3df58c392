using System.CommandLine;
using BlurVideo.Cli.Queue;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo worker --broker amqp://… [--concurrency N]</c>: runs the queue's report jobs until stopped (Ctrl+C or SIGTERM).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var broker = QueueCommand.Broker();
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Jobs run at the same time (each with its own detector); the broker sends at most this many unacknowledged. Default 1.",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--concurrency must be between 1 and 64.");
            }
        });
        var command = new Command("worker", "Run report jobs from the broker (blurvideo queue submit) until stopped; reconnects after a broker restart.")
        {
            broker, concurrency,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var worker = new QueueWorker(parseResult.GetRequiredValue(broker), parseResult.GetValue(concurrency), parseResult.InvocationConfiguration.Output);
            try
            {
                await worker.RunAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (Exception ex) when (CliFailures.IsExpected(ex) || QueueCommand.IsBrokerFailure(ex))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"blurvideo worker: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
