using System.CommandLine;
using System.Text.Json;
using BlurVideo.Cli.Commands;

namespace BlurVideo.Tests.Cli;

/// <summary>Runs <c>blurvideo</c> commands in-process with captured output, and reads what they write.</summary>
internal static class CliRun
{
    /// <summary>The committed tiny fixture model (64×64 input), fast enough for command tests.</summary>
    public static string TinyModel => Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");

    /// <summary>The same network with its input fixed at 1×3×64×96 in the ONNX file (card: 64×96).</summary>
    public static string FixedShapeModel => Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur_fixed.onnx");

    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in CliCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        return await InvokeAsync(root, args);
    }

    /// <summary>Runs <paramref name="args"/> through <paramref name="root"/> the way <c>blurvideo</c>'s entry point does.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(RootCommand root, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliFailures.InvokeAsync(root, args, output, error);
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
