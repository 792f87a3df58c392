using System.Diagnostics;
using NUnit.Framework;

namespace BlurVideo.Tests.Samples;

/// <summary>The embedding sample (samples/MatCapture), built with the solution, runs as its own process.</summary>
[TestFixture]
public sealed class MatCaptureSampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Test]
    public async Task The_sample_captures_the_synthetic_clip_pushes_its_mats_and_prints_focus_figures_per_frame()
    {
        var (exitCode, output, error) = await RunAsync("--frames", "6", "--model", Inference.InferenceTestKit.TinyModelPath);

        var frameLines = output.Split('\n').Where(line => line.StartsWith("frame ", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, error);
            Assert.That(output, Does.Contain("Capturing the synthetic focus pull (320x240, backend FFMPEG)"));
            Assert.That(output, Does.Match(@"Own InferenceSession \(ONNX Runtime 1\.31\.0\): image -> blur"));
            Assert.That(frameLines, Has.Length.EqualTo(6));
            Assert.That(frameLines, Has.All.Match(@"^frame +\d+  (InFocus|OutOfFocus) +blurred +[0-9.]+ %  centre sharpness [0-9.]+"));
            Assert.That(output, Does.Contain("6 frames"));
        });
    }

    [Test]
    public async Task A_missing_input_is_one_line_and_exit_code_1()
    {
        var (exitCode, _, error) = await RunAsync("no-such-clip.mp4");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error.Trim(), Is.EqualTo("MatCapture: cannot open 'no-such-clip.mp4'."));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        // The tests' own output folder is .../tests/BlurVideo.Tests/bin/<configuration>/<framework>/.
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var sample = Path.Combine(TestPaths.RepositoryRoot, "samples", "MatCapture", "bin", testDirectory.Parent!.Name, testDirectory.Name, "MatCapture.dll");
        Assert.That(File.Exists(sample), Is.True, $"the sample is built with the tests: {sample}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(sample);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
