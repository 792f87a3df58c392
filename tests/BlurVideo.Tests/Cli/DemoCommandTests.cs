using System.Globalization;
using BlurVideo.Cli.Commands;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

[TestFixture]
public class DemoCommandTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("demo-cli");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Demo_runs_the_clip_end_to_end_and_writes_the_video_csv_and_statistics()
    {
        // A short clip: rendering the synthetic scene dominates the run time.
        const int frames = 6;
        var directory = Path.Combine(_folder, "demo");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "demo", "-o", directory, "--model", CliRun.TinyModel, "--frames", frames.ToString(CultureInfo.InvariantCulture));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(CliRun.ReadCsvRows(Path.Combine(directory, DemoCommand.CsvFileName)), Has.Length.EqualTo(frames));
        var statistics = CliRun.ReadJson(Path.Combine(directory, DemoCommand.StatsFileName));
        Assert.That(statistics.GetProperty("frames_out").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("model").GetString(), Is.EqualTo("tiny_blur"));
        await using (var video = new BlurVideo.Pipeline.Sources.VideoReaderSource(Path.Combine(directory, DemoCommand.VideoFileName)))
        {
            Assert.That(video.FrameCount, Is.EqualTo(frames));
        }

        Assert.That(output, Does.Contain($"frames        {frames}"));
        Assert.That(output, Does.Match(@"latency\s+p50 [0-9.]+ ms, p95 [0-9.]+ ms"));
        Assert.That(output, Does.Contain(Path.Combine(directory, DemoCommand.VideoFileName)));
    }

    [Test]
    public async Task Demo_without_the_shipped_model_fails_naming_it()
    {
        var emptyModels = Path.Combine(_folder, "models");
        Directory.CreateDirectory(emptyModels);
        var previous = Environment.GetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable);
        Environment.SetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable, emptyModels);
        try
        {
            var (exitCode, _, error) = await CliRun.InvokeAsync("demo", "-o", Path.Combine(_folder, "demo"));

            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Does.StartWith($"blurvideo demo: the demo needs the shipped model '{ModelCatalog.DefaultModelName}'"));
            Assert.That(Directory.Exists(Path.Combine(_folder, "demo")), Is.False);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable, previous);
        }
    }
}
