using System.CommandLine;
using BlurVideo.Cli.Commands;

var root = new RootCommand("blurvideo: find the defocus-blurred regions of images, videos and cameras.");
foreach (var command in CliCommands.Create())
{
    root.Subcommands.Add(command);
}

using var signals = new CliSignals();
var exitCode = signals.ExitCodeFor(await CliFailures.InvokeAsync(root, args, cancellationToken: signals.Token));
if (AbandonedCalls.Any)
{
    AbandonedCalls.ExitNow(exitCode); // a stalled native read or open is still running: no teardown under it
}

return exitCode;
