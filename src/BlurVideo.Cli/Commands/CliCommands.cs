using System.CommandLine;

namespace BlurVideo.Cli.Commands;

/// <summary>The subcommands of <c>blurvideo</c>; each lives in its own file under Commands/.</summary>
internal static class CliCommands
{
    public static IEnumerable<Command> Create() =>
    [
        DetectCommand.Create(),
        VideoCommand.Create(),
        EvalCommand.Create(),
        DemoCommand.Create(),
        SmoothingReportCommand.Create(),
        ReportCommand.Create(),
        InfoCommand.Create(),
        MonitorCommand.Create(),
        QueueCommand.Create(),
        WorkerCommand.Create(),
        SoakCommand.Create(),
    ];
}
