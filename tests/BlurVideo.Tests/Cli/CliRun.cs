using System.CommandLine;
using System.Text.Json;
using BlurVideo.Cli.Commands;

namespace BlurVideo.Tests.Cli;

/// <summary>Runs <c>blurvideo</c> commands in-process with captured output, and reads what they write.</summary>
internal static class CliRun
{
    /// <summary>The committed tiny fixture model (64×64 input), fast enough for command tests.</summary>
    public static string TinyModel => Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");

    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { DetectCommand.Create(), VideoCommand.Create(), DemoCommand.Create(), MonitorCommand.Create(), ReportCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The CSV's data rows (without the header), each split into its columns.</summary>
    public static string[][] ReadCsvRows(string path)
    {
        var lines = File.ReadAllLines(path);
        return [.. lines.Skip(1).Select(line => line.Split(','))];
    }

    public static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
