using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// The action of a command whose implementation has not landed yet: it says so on stderr and exits with
/// <see cref="ExitCodes.NotYetAvailable"/> rather than pretending to succeed.
/// </summary>
internal static class PendingCommand
{
    public static int Report(ParseResult parseResult, string commandName)
    {
        parseResult.InvocationConfiguration.Error.WriteLine(
            $"blurvideo {commandName}: not available yet in this build.");
        return ExitCodes.NotYetAvailable;
    }
}
