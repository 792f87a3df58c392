using System.CommandLine;
using System.Text.Json;
using BlurVideo.Cli.Commands;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

[TestFixture]
public sealed class SmoothingReportCommandTests
{
    private static readonly string[] FigureNames = ["flicker", "jitter", "fbeta", "mae", "iou"];

    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("smoothing-report");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Report_runs_the_clip_with_the_detector_twice_and_writes_finite_figures_with_less_flicker_when_smoothed()
    {
        var jsonPath = Path.Combine(_folder, "smoothing.json");

        var (exitCode, output, error) = await InvokeAsync(
            "smoothing-report", "--model", TinyModel, "--frames", "16", "--seed", "3", "--json", jsonPath);

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var report = document.RootElement;
        var off = report.GetProperty("off");
        var on = report.GetProperty("on");
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("model").GetString(), Is.EqualTo("tiny_blur"));
            Assert.That(report.GetProperty("frames").GetInt32(), Is.EqualTo(16));
            Assert.That(report.GetProperty("source").GetString(), Does.EndWith("seed 3"));
            foreach (var run in new[] { off, on })
            {
                foreach (var figure in FigureNames)
                {
                    Assert.That(double.IsFinite(run.GetProperty(figure).GetDouble()), Is.True, figure);
                }
            }

            Assert.That(off.GetProperty("flicker").GetDouble(), Is.GreaterThan(0));
            Assert.That(on.GetProperty("flicker").GetDouble(), Is.LessThan(off.GetProperty("flicker").GetDouble()));
            Assert.That(
                report.GetProperty("flicker_ratio").GetDouble(),
                Is.EqualTo(on.GetProperty("flicker").GetDouble() / off.GetProperty("flicker").GetDouble()).Within(1e-9));
            Assert.That(output, Does.Match(@"flicker\s+[0-9.]+\s+[0-9.]+\s+ratio [0-9.]+"));
            Assert.That(output, Does.Contain(jsonPath));
        });
    }

    [Test]
    public async Task The_still_clip_without_motion_compensation_is_what_the_report_names_and_measures()
    {
        var jsonPath = Path.Combine(_folder, "still.json");

        var (exitCode, output, error) = await InvokeAsync(
            "smoothing-report", "--model", TinyModel, "--frames", "8", "--clip", "still", "--motion-compensation", "off", "--json", jsonPath);

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var report = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("source").GetString(), Does.StartWith("synthetic still clip"));
            Assert.That(report.GetProperty("motion_compensation").GetBoolean(), Is.False);
            Assert.That(output, Does.Contain("motion compensation off"));
            // Nothing moves: every change is noise, and in-place smoothing removes most of it.
            Assert.That(report.GetProperty("off").GetProperty("flicker").GetDouble(), Is.GreaterThan(0));
            Assert.That(report.GetProperty("flicker_ratio").GetDouble(), Is.LessThan(0.5));
        });
    }

    [Test]
    public async Task An_unknown_clip_is_rejected_before_anything_runs()
    {
        var (exitCode, _, error) = await InvokeAsync("smoothing-report", "--model", TinyModel, "--clip", "zoom");

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(error, Does.Contain("zoom"));
    }

    [Test]
    public async Task Strength_outside_zero_to_one_is_rejected_before_anything_runs()
    {
        var (exitCode, _, error) = await InvokeAsync("smoothing-report", "--model", TinyModel, "--strength", "1");

        Assert.That(exitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(error, Does.Contain("--strength must be in [0, 1)."));
    }

    [Test]
    public async Task Fewer_than_two_frames_are_rejected_before_anything_runs()
    {
        var (exitCode, _, error) = await InvokeAsync("smoothing-report", "--model", TinyModel, "--frames", "1");

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(error, Does.Contain("--frames must be at least 2."));
    }

    [TestCase("0")]
    [TestCase("1.5")]
    public async Task Change_threshold_outside_zero_to_one_is_rejected_before_anything_runs(string threshold)
    {
        var (exitCode, _, error) = await InvokeAsync("smoothing-report", "--model", TinyModel, "--change-threshold", threshold);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(error, Does.Contain("--change-threshold must be in (0, 1]."));
    }

    [Test]
    public async Task Missing_model_fails_with_one_line_naming_it_and_the_defaults_pass_validation()
    {
        var missing = Path.Combine(_folder, "absent.onnx");

        var (exitCode, _, error) = await InvokeAsync("smoothing-report", "--model", missing);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.StartWith("blurvideo smoothing-report: ").And.Contain("absent"));
    }

    private static string TinyModel => Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { SmoothingReportCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
