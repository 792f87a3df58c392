using System.CommandLine;
using System.CommandLine.Parsing;
using BlurVideo.Cli.Queue;
using RabbitMQ.Client.Exceptions;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo queue submit &lt;files | folder&gt; --broker amqp://… -o DIR</c> and <c>blurvideo queue status --broker amqp://…</c>:
/// report jobs on a RabbitMQ broker, run by <c>blurvideo worker</c> processes on any machine that sees the same files.
/// </summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var command = new Command("queue", "Report jobs on a RabbitMQ broker: submit videos, show the queue's state. Workers run them (blurvideo worker).")
        {
            Submit(),
            Status(),
        };
        return command;
    }

    /// <summary><c>--broker amqp://user:password@host:port/vhost</c>.</summary>
    public static Option<Uri> Broker() => new("--broker")
    {
        Description = "The RabbitMQ broker: amqp://user:password@host[:port][/vhost] (amqps:// for TLS).",
        HelpName = "amqp://…",
        Required = true,
        CustomParser = ParseBroker,
    };

    /// <summary>The one-line message for a broker that went away or refused an operation.</summary>
    public static bool IsBrokerFailure(Exception exception) =>
        exception is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or PublishException;

    private static Command Submit()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Video files, folders (every video in each), or http(s)/rtsp(s) URLs.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Where the reports go: each video's in DIR/<video name>/ (the folder must be reachable by the workers at the same path).",
            Required = true,
        };
        var broker = Broker();
        var options = new ReportOptions();
        var command = new Command("submit", "Enqueue one report job per video (durable, persistent); a video whose report for the same job is complete, or whose job is still queued or running, is skipped.")
        {
            inputs, output, broker,
        };
        options.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var outputRoot = parseResult.GetRequiredValue(output).FullName;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                int queued = 0, done = 0, waiting = 0;
                foreach (var input in parseResult.GetRequiredValue(inputs))
                {
                    var settings = options.Read(parseResult, input, outputRoot);
                    var (q, d, w) = await QueueClient.SubmitAsync(parseResult.GetRequiredValue(broker), input, outputRoot, settings, parseResult.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
                    queued += q;
                    done += d;
                    waiting += w;
                }

                await parseResult.InvocationConfiguration.Output.WriteLineAsync($"{queued} job(s) queued, {done} already done, {waiting} already queued.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("blurvideo queue submit: interrupted.").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            catch (Exception ex) when (CliFailures.IsExpected(ex) || IsBrokerFailure(ex))
            {
                await error.WriteLineAsync($"blurvideo queue submit: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Status()
    {
        var broker = Broker();
        var command = new Command("status", "Show the queue: jobs queued, running (with their workers), done and failed (with the reasons of the latest failures).")
        {
            broker,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                await QueueClient.StatusAsync(parseResult.GetRequiredValue(broker), parseResult.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception ex) when (CliFailures.IsExpected(ex) || IsBrokerFailure(ex))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"blurvideo queue status: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Uri ParseBroker(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" && uri.Host.Length > 0)
        {
            return uri;
        }

        result.AddError($"--broker takes amqp://user:password@host[:port][/vhost], not '{text}'.");
        return new Uri("amqp://localhost");
    }
}
