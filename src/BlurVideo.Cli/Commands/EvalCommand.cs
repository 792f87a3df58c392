using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo eval</c>: extension point, to be implemented by its owner.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Score blur maps against ground-truth masks (MAE, F-beta, IoU at 0.5; blurred = positive).");
        command.SetAction(parseResult => PendingCommand.Report(parseResult, "eval"));
        return command;
    }
}
