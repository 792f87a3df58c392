using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo demo</c>: extension point, to be implemented by its owner.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Run detect on an embedded sample image and write its blur map.");
        command.SetAction(parseResult => PendingCommand.Report(parseResult, "demo"));
        return command;
    }
}
