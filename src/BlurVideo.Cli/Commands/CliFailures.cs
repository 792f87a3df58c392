using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// How every command reports a failure. Expected ones (bad input or environment: the SDK's
/// <see cref="BlurVideoException"/> family, and IO or permission errors on the user's files) are one line on stderr
/// with exit code 1; anything else is a bug and is one line too, with a hint to rerun with <c>--verbose</c>, which
/// prints the whole exception. Nothing prints a stack trace by default.
/// </summary>
internal static class CliFailures
{
    private static volatile bool s_verbose;

    /// <summary>The global <c>--verbose</c> option: print the details (stack trace) of an unexpected failure.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "On an unexpected failure, print its details (the exception and its stack trace).",
        Recursive = true,
    };

    /// <summary>Bad input or environment: missing or undecodable files, unknown or invalid models, unusable GPU, unopenable sources.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is BlurVideoException or IOException or UnauthorizedAccessException;

    /// <summary>
    /// Writes <paramref name="exception"/>'s message on <paramref name="error"/>, prefixed with <c>blurvideo COMMAND:</c>;
    /// an unexpected one as one line with its type and the <c>--verbose</c> hint (or, with <c>--verbose</c>, its full text).
    /// Returns <see cref="ExitCodes.Failure"/>.
    /// </summary>
    public static int Report(TextWriter error, string command, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(exception);
        var prefix = $"blurvideo {command}:";
        if (IsExpected(exception))
        {
            // The SDK's own messages; a few (an evaluation's unpaired files) list details on the following lines.
            error.WriteLine($"{prefix} {exception.Message}");
        }
        else if (s_verbose)
        {
            error.WriteLine($"{prefix} unexpected failure: {exception}");
        }
        else
        {
            error.WriteLine($"{prefix} unexpected failure ({exception.GetType().Name}): {FirstLine(exception.Message)}; run with --verbose for details.");
        }

        return ExitCodes.Failure;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/> with <paramref name="root"/>'s subcommands plus <see cref="Verbose"/>; an
    /// exception a command lets through is reported by <see cref="Report"/> instead of System.CommandLine's stack trace.
    /// </summary>
    public static async Task<int> InvokeAsync(
        RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!root.Options.Contains(Verbose))
        {
            root.Options.Add(Verbose);
        }

        // No forced exit after a signal: CliSignals cancels the token and the command finishes its outputs.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (output is not null)
        {
            configuration.Output = output;
        }

        if (error is not null)
        {
            configuration.Error = error;
        }

        var parseResult = root.Parse(args);
        s_verbose = parseResult.Errors.Count == 0 && parseResult.GetValue(Verbose);
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Report(configuration.Error, parseResult.CommandResult.Command.Name, exception);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
