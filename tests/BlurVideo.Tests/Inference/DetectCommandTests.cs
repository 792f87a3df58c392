using System.CommandLine;
using System.Text.Json;
using BlurVideo.Cli.Commands;
using BlurVideo.Inference;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

[TestFixture]
public sealed class DetectCommandTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("detect");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Real_smoke_folder_gives_a_map_per_image_at_its_size_overlays_and_a_summary()
    {
        var images = TestPaths.RequireSharedData(Path.Combine("real-smoke", "images"));
        var output = Path.Combine(_folder, "out");

        var (exitCode, stdout, stderr) = Run("detect", images, "-o", output, "--model", InferenceTestKit.TinyModelPath, "--overlay");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), stderr);
        var photos = Directory.GetFiles(images, "*.png");
        Assert.That(photos, Has.Length.EqualTo(6));
        foreach (var photo in photos)
        {
            var name = Path.GetFileNameWithoutExtension(photo);
            using var original = ImageFile.Decode(photo, ImageColorMode.Bgr8);
            using var map = ImageFile.Decode(Path.Combine(output, name + ".png"), ImageColorMode.Gray8);
            using var overlay = ImageFile.Decode(Path.Combine(output, "overlays", name + ".jpg"), ImageColorMode.Bgr8);
            Assert.Multiple(() =>
            {
                Assert.That((map.Width, map.Height), Is.EqualTo((original.Width, original.Height)), name);
                Assert.That((overlay.Width, overlay.Height), Is.EqualTo((original.Width, original.Height)), name);
            });
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var entries = summary.RootElement.GetProperty("images").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Length.EqualTo(6));
            Assert.That(summary.RootElement.GetProperty("provider").GetString(), Is.EqualTo("Cpu"));
            Assert.That(entries.Select(e => e.GetProperty("blurred_fraction").GetDouble()), Has.All.InRange(0.0, 1.0));
            Assert.That(entries.Select(e => e.GetProperty("roi_sharpness").GetDouble()), Has.All.InRange(0.0, 1.0));
            Assert.That(entries.Select(e => e.GetProperty("largest_in_focus_region").GetProperty("found").ValueKind),
                Has.All.AnyOf(JsonValueKind.True, JsonValueKind.False));
            Assert.That(stdout, Does.Contain("6 of 6 image(s) processed"));
            // Ordinal: a culture-aware search ignores the escape character and would find any "[".
            Assert.That(stdout.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ANSI escapes when the output is not a terminal");
        });
    }

    [Test]
    public void A_bad_image_in_a_folder_is_reported_and_skipped_and_the_exit_code_says_so()
    {
        var images = Path.Combine(_folder, "images");
        Directory.CreateDirectory(images);
        File.WriteAllBytes(Path.Combine(images, "a.png"), NativeImageBytes());
        File.WriteAllText(Path.Combine(images, "b.png"), "not an image");
        File.WriteAllBytes(Path.Combine(images, "c.png"), NativeImageBytes());
        var output = Path.Combine(_folder, "out");

        var (exitCode, stdout, stderr) = Run("detect", images, "-o", output, "--model", InferenceTestKit.TinyModelPath);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(stderr, Does.Contain("b.png"));
            Assert.That(stdout, Does.Contain("2 of 3 image(s) processed"));
            Assert.That(File.Exists(Path.Combine(output, "a.png")) && File.Exists(Path.Combine(output, "c.png")), Is.True);
            Assert.That(File.Exists(Path.Combine(output, "b.png")), Is.False);
            Assert.That(summary.RootElement.GetProperty("failures").GetArrayLength(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Photos_are_run_by_the_most_accurate_shipped_model_unless_one_is_named()
    {
        var image = Path.Combine(_folder, "a.png");
        File.WriteAllBytes(image, NativeImageBytes());
        var output = Path.Combine(_folder, "out");

        var (exitCode, _, stderr) = Run("detect", image, "-o", output);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.That(summary.RootElement.GetProperty("model").GetString(), Is.EqualTo(ModelCatalog.MostAccurateModelName));
    }

    [Test]
    public void A_missing_input_is_a_clear_error()
    {
        var (exitCode, _, stderr) = Run("detect", Path.Combine(_folder, "nothing.jpg"), "-o", _folder, "--model", InferenceTestKit.TinyModelPath);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr, Does.Contain("nothing.jpg").And.Contain("not found"));
    }

    [Test]
    public void An_unknown_model_lists_the_available_ones()
    {
        var image = Path.Combine(_folder, "a.png");
        File.WriteAllBytes(image, NativeImageBytes());

        var (exitCode, _, stderr) = Run("detect", image, "-o", Path.Combine(_folder, "out"), "--model", "no-such-model");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr, Does.Contain("Unknown model 'no-such-model'").And.Contain("Available models"));
    }

    /// <summary>A small PNG written by the native shim.</summary>
    private byte[] NativeImageBytes()
    {
        var path = Path.Combine(_folder, "source.png");
        ImageFile.WriteBgr(path, InferenceTestKit.Frame(48, 40), 48, 40, 48 * 3);
        return File.ReadAllBytes(path);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { DetectCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
