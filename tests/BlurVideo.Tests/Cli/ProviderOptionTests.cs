using BlurVideo.Cli.Commands;
using BlurVideo.Tests.Inference;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

/// <summary><c>--provider</c> and <c>--device</c> of <c>video</c> and <c>demo</c> on a machine where CUDA cannot load.</summary>
[TestFixture]
public sealed class ProviderOptionTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        Assume.That(InferenceTestKit.CudaIsUsable(), Is.False, "CUDA is usable here; its failure cannot be observed");
        _folder = TestPaths.CreateTempFolder("provider-cli");
    }

    [TearDown]
    public void DeleteFolder()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [TestCase("video")]
    [TestCase("demo")]
    public async Task An_explicit_cuda_request_fails_with_one_line_giving_the_reason(string command)
    {
        string[] args = command == "video"
            ? ["video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "2", "--model", CliRun.TinyModel, "--provider", "cuda", "--device", "0"]
            : ["demo", "-o", Path.Combine(_folder, "demo"), "--frames", "2", "--model", CliRun.TinyModel, "--provider", "cuda"];

        var (exitCode, _, error) = await CliRun.InvokeAsync(args);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Does.StartWith($"blurvideo {command}: A GPU is required but the CUDA execution provider cannot be used: "));
            Assert.That(error, Does.Contain("Failed to load").And.Contain("cuda").IgnoreCase);
            Assert.That(error.TrimEnd(), Does.Not.Contain('\n'));
        });
    }

    [Test]
    public async Task Auto_falls_back_to_the_cpu_says_so_and_records_the_reason_in_the_statistics()
    {
        var stats = Path.Combine(_folder, "stats.json");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "2", "--model", CliRun.TinyModel,
            "--provider", "auto", "--stats-json", stats);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var json = CliRun.ReadJson(stats);
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("Running on the CPU: the CUDA execution provider cannot be used"));
            Assert.That(json.GetProperty("provider").GetString(), Is.EqualTo("cpu"));
            Assert.That(json.GetProperty("provider_requested").GetString(), Is.EqualTo("auto"));
            Assert.That(json.GetProperty("provider_fallback_reason").GetString(), Does.Contain("Failed to load").And.Contain("cuda").IgnoreCase);
        });
    }

    [Test]
    public async Task The_cpu_provider_records_no_fallback()
    {
        var stats = Path.Combine(_folder, "stats.json");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "2", "--model", CliRun.TinyModel,
            "--provider", "cpu", "--stats-json", stats);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var json = CliRun.ReadJson(stats);
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Not.Contain("Running on the CPU"));
            Assert.That(json.GetProperty("provider").GetString(), Is.EqualTo("cpu"));
            Assert.That(json.GetProperty("provider_fallback_reason").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Info_lists_the_execution_providers_and_the_cpu_device()
    {
        var root = new System.CommandLine.RootCommand { InfoCommand.Create() };
        using var output = new StringWriter();

        var exitCode = await root.Parse(["info"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output });

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output.ToString(), Does.Contain("ONNX Runtime 1.31.0")
            .And.Contain("Execution providers: ").And.Contain("CUDAExecutionProvider")
            .And.Contain("EP device: CPUExecutionProvider on CPU"));
    }
}
