using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo video</c>: extension point, to be implemented by its owner.</summary>
internal static class VideoCommand
{
    public static Command Create()
    {
        var command = new Command("video", "Detect blur in every frame of a video file or camera and report or write the maps.");
        command.SetAction(parseResult => PendingCommand.Report(parseResult, "video"));
        return command;
    }
}
