using System.CommandLine;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo info</c>: the ONNX Runtime in use and the execution providers it offers.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the ONNX Runtime version and its available execution providers.");
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var environment = OrtEnv.Instance();
            output.WriteLine($"ONNX Runtime {environment.GetVersionString()}");
            output.WriteLine($"Execution providers: {string.Join(", ", environment.GetAvailableProviders())}");
            return ExitCodes.Success;
        });
        return command;
    }
}
