using System.CommandLine;
using BlurVideo.Cli.Commands;

var root = new RootCommand("blurvideo: find the defocus-blurred regions of images, videos and cameras.");
foreach (var command in CliCommands.Create())
{
    root.Subcommands.Add(command);
}

return await CliFailures.InvokeAsync(root, args);
