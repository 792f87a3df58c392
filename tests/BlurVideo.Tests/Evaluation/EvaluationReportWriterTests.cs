using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

[TestFixture]
public class EvaluationReportWriterTests
{
    private string _folder = "";
    private EvaluationReport _report = null!;

    [SetUp]
    public void ScoreTwoImages()
    {
        _folder = Path.Combine(Path.GetTempPath(), "blurvideo-report-" + Guid.NewGuid().ToString("N"));
        var evaluator = new BlurMapEvaluator();
        evaluator.Add("first", [1f, 0.8f, 0.4f, 0f], Polarity.Blur, [255, 255, 0, 0], Polarity.Blur, 2, 2);
        evaluator.Add("second & <more>", [0.1f, 0.9f], Polarity.Blur, [0, 255], Polarity.Blur, 2, 1);
        _report = evaluator.CreateReport();
    }

    [TearDown]
    public void DeleteFolder()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Test]
    public void Table_names_every_figure_with_its_value()
    {
        var table = EvaluationReportWriter.FormatTable(_report);

        Assert.That(table, Does.Match(@"Images\s+2\b"));
        Assert.That(table, Does.Match(@"MAE\s+" + Regex(_report.Mae)));
        Assert.That(table, Does.Match(@"Fbeta\s+" + Regex(_report.FBeta)));
        Assert.That(table, Does.Match(@"IoU\s+" + Regex(_report.IoU)));
        Assert.That(table, Does.Match(@"maxF\s+" + Regex(_report.MaxF)));
    }

    [Test]
    public void Json_holds_the_figures_and_one_row_per_image()
    {
        var path = Path.Combine(_folder, "nested", "report.json");

        EvaluationReportWriter.WriteJson(_report, path);

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.That(root.GetProperty("imageCount").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("mae").GetDouble(), Is.EqualTo(_report.Mae));
        Assert.That(root.GetProperty("fBeta").GetDouble(), Is.EqualTo(_report.FBeta));
        Assert.That(root.GetProperty("iou").GetDouble(), Is.EqualTo(_report.IoU));
        Assert.That(root.GetProperty("maxF").GetDouble(), Is.EqualTo(_report.MaxF));
        Assert.That(root.GetProperty("protocol").GetProperty("betaSquared").GetDouble(), Is.EqualTo(0.3));
        var images = root.GetProperty("images").EnumerateArray().ToArray();
        string[] names = ["first", "second & <more>"];
        Assert.That(images.Select(image => image.GetProperty("name").GetString()), Is.EqualTo(names));
        Assert.That(images[0].GetProperty("fBeta").GetDouble(), Is.EqualTo(_report.Images[0].FBeta));
        Assert.That(images[1].GetProperty("width").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("precisionRecallCurve").GetArrayLength(), Is.EqualTo(256));
    }

    [Test]
    public void Csv_has_a_header_and_256_parseable_rows()
    {
        var path = Path.Combine(_folder, "pr.csv");

        EvaluationReportWriter.WritePrecisionRecallCsv(_report, path);

        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo("threshold,precision,recall,fbeta"));
        Assert.That(lines, Has.Length.EqualTo(257));
        for (var level = 0; level < 256; level++)
        {
            var fields = lines[level + 1].Split(',').Select(field => double.Parse(field, CultureInfo.InvariantCulture)).ToArray();
            var point = _report.PrecisionRecallCurve[level];
            Assert.That(fields, Is.EqualTo(new[] { point.Threshold, point.Precision, point.Recall, point.FBeta }), $"row {level}");
        }
    }

    [Test]
    public void Svg_is_well_formed_with_axes_labels_and_the_curve()
    {
        var path = Path.Combine(_folder, "pr.svg");

        EvaluationReportWriter.WritePrecisionRecallSvg(_report, path, "real-smoke & co");

        var svg = XDocument.Load(path).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.That(svg.Name, Is.EqualTo(ns + "svg"));
        var texts = svg.Elements(ns + "text").Select(text => text.Value).ToArray();
        Assert.That(texts, Does.Contain("Recall").And.Contain("Precision").And.Contain("real-smoke & co"));
        Assert.That(texts, Does.Contain("0.0").And.Contain("1.0"));
        Assert.That(texts.Any(text => text.StartsWith("maxF", StringComparison.Ordinal)), Is.True);
        var points = svg.Element(ns + "polyline")!.Attribute("points")!.Value.Split(' ');
        Assert.That(points, Has.Length.EqualTo(256));
        foreach (var point in points)
        {
            var xy = point.Split(',').Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray();
            Assert.That(xy[0], Is.InRange(0, 520));
            Assert.That(xy[1], Is.InRange(0, 440));
        }
    }

    private static string Regex(double value) =>
        System.Text.RegularExpressions.Regex.Escape(value.ToString("F4", CultureInfo.InvariantCulture));
}
