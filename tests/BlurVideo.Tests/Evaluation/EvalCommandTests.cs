using System.CommandLine;
using System.Text.Json;
using BlurVideo.Cli.Commands;
using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

[TestFixture]
public class EvalCommandTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("eval-cli");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Scoring_real_masks_against_themselves_prints_the_table_and_writes_every_file()
    {
        var masks = RealSmokeMasks();
        var json = Path.Combine(_folder, "report.json");
        var csv = Path.Combine(_folder, "curve", "pr.csv");
        var svg = Path.Combine(_folder, "curve", "pr.svg");

        var (exitCode, output, error) = Run(
            "eval", "--maps", masks, "--masks", masks, "--json", json, "--pr-csv", csv, "--pr-svg", svg);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output, Does.Match(@"Images\s+6\b"));
        Assert.That(output, Does.Match(@"MAE\s+0\.0000"));
        Assert.That(output, Does.Match(@"Fbeta\s+1\.0000"));
        Assert.That(output, Does.Match(@"IoU\s+1\.0000"));
        Assert.That(output, Does.Match(@"maxF\s+1\.0000"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(report.RootElement.GetProperty("images").GetArrayLength(), Is.EqualTo(6));
        Assert.That(File.ReadAllLines(csv), Has.Length.EqualTo(257));
        Assert.That(System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName, Is.EqualTo("svg"));
    }

    [Test]
    public void Sharp_polarity_flag_for_the_maps_inverts_them()
    {
        var masks = RealSmokeMasks();

        var (exitCode, output, _) = Run("eval", "--maps", masks, "--masks", masks, "--maps-polarity", "sharp");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output, Does.Match(@"Fbeta\s+0\.0000"));
        Assert.That(output, Does.Match(@"MAE\s+1\.0000"));
    }

    [Test]
    public void Unmatched_files_fail_with_every_one_listed()
    {
        var maps = Path.Combine(_folder, "maps");
        var masks = Path.Combine(_folder, "masks");
        Directory.CreateDirectory(maps);
        Directory.CreateDirectory(masks);
        foreach (var path in new[] { "maps/x.png", "maps/y.png", "maps/z.png", "masks/x.png" })
        {
            File.WriteAllBytes(Path.Combine(_folder, path), []);
        }

        var (exitCode, _, error) = Run("eval", "--maps", maps, "--masks", masks);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.Contain("y.png").And.Contain("z.png"));
    }

    [Test]
    public void An_undecodable_map_fails_cleanly_naming_the_file()
    {
        var maps = Path.Combine(_folder, "maps");
        Directory.CreateDirectory(maps);
        var masks = RealSmokeMasks();
        foreach (var mask in Directory.EnumerateFiles(masks))
        {
            File.WriteAllText(Path.Combine(maps, Path.GetFileName(mask)), "not an image");
        }

        var (exitCode, _, error) = Run("eval", "--maps", maps, "--masks", masks);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.Contain("cuhk_0011.png"));
    }

    [Test]
    public void Model_mode_runs_the_detector_on_the_photos_and_scores_its_maps()
    {
        var masks = RealSmokeMasks();
        var tinyModel = Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");
        var json = Path.Combine(_folder, "report.json");

        var (exitCode, output, error) = Run(
            "eval", "--model", tinyModel, "--images", Path.Combine(masks, "..", "images"), "--masks", masks, "--json", json);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output, Does.Contain("Model tiny_blur on Cpu"));
        Assert.That(output, Does.Match(@"Images\s+6\b"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToArray();
        Assert.That(images, Has.Length.EqualTo(6));
        Assert.That(images.Select(image => image.GetProperty("width").GetInt32()), Is.All.EqualTo(640), "scored at the mask's size");
        Assert.That(report.RootElement.GetProperty("mae").GetDouble(), Is.InRange(0.0, 1.0));
    }

    [Test]
    public void Input_size_chooses_the_resolution_the_network_sees()
    {
        var masks = RealSmokeMasks();
        var tinyModel = Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");
        double Mae(string policy)
        {
            var json = Path.Combine(_folder, $"{policy}.json");
            var (exitCode, _, error) = Run(
                "eval", "--model", tinyModel, "--images", Path.Combine(masks, "..", "images"), "--masks", masks,
                "--input-size", policy, "--json", json);
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
            using var report = JsonDocument.Parse(File.ReadAllText(json));
            return report.RootElement.GetProperty("mae").GetDouble();
        }

        Assert.That(Mae("Native"), Is.Not.EqualTo(Mae("ModelCard")).Within(1e-6));
    }

    [Test]
    public void An_unknown_model_fails_cleanly()
    {
        var masks = RealSmokeMasks();

        var (exitCode, _, error) = Run(
            "eval", "--model", "no-such-model", "--images", Path.Combine(masks, "..", "images"), "--masks", masks);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.Contain("no-such-model"));
    }

    [TestCase("eval", "--masks", "m")]
    [TestCase("eval", "--model", "tiny", "--images", "b", "--masks", "m", "--maps-polarity", "sharp")]
    [TestCase("eval", "--maps", "a", "--images", "b", "--model", "tiny", "--masks", "m")]
    [TestCase("eval", "--images", "b", "--masks", "m")]
    [TestCase("eval", "--maps", "a", "--masks", "m", "--maps-polarity", "upside-down")]
    [TestCase("eval", "--maps", "a", "--masks", "m", "--input-size", "ModelCard")]
    [TestCase("eval", "--model", "tiny", "--images", "b", "--masks", "m", "--input-size", "Huge")]
    public void Inconsistent_options_are_rejected(params string[] args)
    {
        var (exitCode, _, error) = Run(args);

        Assert.That(exitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(error, Is.Not.Empty);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { EvalCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string RealSmokeMasks()
    {
        var masks = Path.Combine(TestPaths.SharedData, "real-smoke", "masks");
        if (!Directory.Exists(masks))
        {
            Assert.Ignore($"Shared data '{masks}' is absent (set {TestPaths.SharedDataVariable}).");
        }

        return masks;
    }
}
