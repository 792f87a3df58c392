using System.CommandLine;
using BlurVideo.Cli.Commands;
using BlurVideo.Tests.Inference;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

/// <summary>
/// Every failure a command meets is one line on stderr and exit code 1: the SDK's <see cref="BlurVideoException"/>
/// family and IO errors as their message, anything else with the <c>--verbose</c> hint (and its stack trace only with
/// <c>--verbose</c>).
/// </summary>
[TestFixture]
public sealed class FailureReportingTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestPaths.CreateTempFolder("cli-failures");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task An_unexpected_exception_is_one_line_with_the_verbose_hint()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(Throwing(), "boom");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Is.EqualTo(
                $"blurvideo boom: unexpected failure (InvalidOperationException): a bug; run with --verbose for details.{Environment.NewLine}"));
        });
    }

    [Test]
    public async Task With_verbose_an_unexpected_exception_shows_its_stack_trace()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(Throwing(), "boom", "--verbose");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Does.StartWith("blurvideo boom: unexpected failure: System.InvalidOperationException: a bug"));
            Assert.That(error, Does.Contain(" at "));
        });
    }

    [TestCase("null", "must be a JSON object")]
    [TestCase("[]", "must be a JSON object")]
    [TestCase("""{"input_size": [100000, 100000], "mean": [0, 0, 0], "std": [1, 1, 1]}""", "larger than 4096")]
    public async Task Detect_and_video_with_an_unusable_card_fail_with_one_line(string card, string reason)
    {
        var model = Path.Combine(_folder, "odd.onnx");
        File.Copy(CliRun.TinyModel, model);
        File.WriteAllText(Path.ChangeExtension(model, ".json"), card);
        var image = WriteImage("photo.png", 64, 48);

        var detect = await CliRun.InvokeAsync("detect", image, "-o", Path.Combine(_folder, "maps"), "--model", model);
        var video = await CliRun.InvokeAsync("video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "2", "--model", model);

        foreach (var (name, (exitCode, _, error)) in new[] { ("detect", detect), ("video", video) })
        {
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), name);
                Assert.That(error, Does.StartWith($"blurvideo {name}: Model card '").And.Contain(reason), name);
                Assert.That(error.TrimEnd(), Does.Not.Contain('\n'), name);
            });
        }
    }

    /// <summary>Photos run at their own size by default; a network with a fixed input shape runs at that shape instead.</summary>
    [Test]
    public async Task Detect_on_a_folder_with_a_fixed_shape_model_processes_every_image_and_writes_the_summary()
    {
        var images = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        WriteImage(Path.Combine("photos", "a.png"), 200, 150);
        WriteImage(Path.Combine("photos", "b.png"), 64, 48);
        var output = Path.Combine(_folder, "maps");

        var (exitCode, stdout, error) = await CliRun.InvokeAsync("detect", images, "-o", output, "--model", CliRun.FixedShapeModel);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
            Assert.That(stdout, Does.Contain("2 of 2 image(s) processed"));
            Assert.That(CliRun.ReadJson(Path.Combine(output, "summary.json")).GetProperty("images").GetArrayLength(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Detect_with_an_explicit_cuda_request_without_cuda_fails_with_the_reason()
    {
        Assume.That(InferenceTestKit.CudaIsUsable(), Is.False, "CUDA is usable here; its failure cannot be observed");
        var image = WriteImage("photo.png", 64, 48);

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "detect", image, "-o", Path.Combine(_folder, "maps"), "--model", CliRun.TinyModel, "--provider", "cuda");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Does.StartWith("blurvideo detect: A GPU is required but the CUDA execution provider cannot be used: "));
            Assert.That(error.TrimEnd(), Does.Not.Contain('\n'));
        });
    }

    private static RootCommand Throwing()
    {
        var command = new Command("boom");
        command.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("a bug\nsecond line")));
        return new RootCommand { command };
    }

    private string WriteImage(string name, int width, int height)
    {
        var path = Path.Combine(_folder, name);
        ImageFile.WriteBgr(path, InferenceTestKit.Frame(width, height), width, height, width * 3);
        return path;
    }
}
