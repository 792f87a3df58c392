using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo detect</c>: extension point, to be implemented by its owner.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var command = new Command("detect", "Write the blur map of one image (8-bit PNG at the image's size, 255 = blurred).");
        command.SetAction(parseResult => PendingCommand.Report(parseResult, "detect"));
        return command;
    }
}
