using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BlurVideo.Measurement.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> as a text table, JSON, a PR-curve CSV and a PR-curve SVG plot.</summary>
public static class EvaluationReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A plain-text table naming each figure: image count, MAE, Fbeta, IoU and maxF.</summary>
    public static string FormatTable(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"{"Figure",-8}{"Value",8}  Definition");
        table.AppendLine(Invariant, $"{"Images",-8}{report.ImageCount,8}  scored, each weighing the same");
        table.AppendLine(Invariant, $"{"MAE",-8}{report.Mae,8:F4}  mean |map - GT| (lower is better)");
        table.AppendLine(Invariant, $"{"Fbeta",-8}{report.FBeta,8:F4}  beta^2 = 0.3 at threshold 0.5, blurred positive");
        table.AppendLine(Invariant, $"{"IoU",-8}{report.IoU,8:F4}  at threshold 0.5, blurred positive");
        table.AppendLine(Invariant,
            $"{"maxF",-8}{report.MaxF,8:F4}  max over 256 thresholds of Fbeta(mean P, mean R), at t = {report.MaxFThreshold:F3}");
        return table.ToString();
    }

    /// <summary>Writes the figures, the protocol's parameters, the PR curve and one row per image as JSON.</summary>
    public static void WriteJson(EvaluationReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = CreateFile(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("imageCount", report.ImageCount);
        json.WriteNumber("mae", report.Mae);
        json.WriteNumber("fBeta", report.FBeta);
        json.WriteNumber("iou", report.IoU);
        json.WriteNumber("maxF", report.MaxF);
        json.WriteNumber("maxFThreshold", report.MaxFThreshold);
        json.WriteStartObject("protocol");
        json.WriteNumber("betaSquared", EvaluationProtocol.BetaSquared);
        json.WriteNumber("fixedThreshold", EvaluationProtocol.FixedThreshold);
        json.WriteNumber("groundTruthThreshold", EvaluationProtocol.GroundTruthThreshold);
        json.WriteNumber("thresholdCount", EvaluationProtocol.ThresholdCount);
        json.WriteString("positiveClass", "blurred");
        json.WriteEndObject();
        json.WriteStartArray("images");
        foreach (var image in report.Images)
        {
            json.WriteStartObject();
            json.WriteString("name", image.Name);
            json.WriteNumber("width", image.Width);
            json.WriteNumber("height", image.Height);
            json.WriteNumber("mae", image.Mae);
            json.WriteNumber("precision", image.Precision);
            json.WriteNumber("recall", image.Recall);
            json.WriteNumber("fBeta", image.FBeta);
            json.WriteNumber("iou", image.IoU);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("precisionRecallCurve");
        foreach (var point in report.PrecisionRecallCurve)
        {
            json.WriteStartObject();
            json.WriteNumber("threshold", point.Threshold);
            json.WriteNumber("precision", point.Precision);
            json.WriteNumber("recall", point.Recall);
            json.WriteNumber("fBeta", point.FBeta);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes the PR curve as CSV: a header <c>threshold,precision,recall,fbeta</c>, then one row per
    /// threshold, ascending, invariant culture.</summary>
    public static void WritePrecisionRecallCsv(EvaluationReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var writer = new StreamWriter(CreateFile(path), new UTF8Encoding(false));
        writer.WriteLine("threshold,precision,recall,fbeta");
        foreach (var point in report.PrecisionRecallCurve)
        {
            writer.WriteLine(string.Create(
                Invariant, $"{point.Threshold:R},{point.Precision:R},{point.Recall:R},{point.FBeta:R}"));
        }
    }

    /// <summary>Writes the PR curve as a self-contained SVG plot: recall on x, precision on y, both 0–1, with
    /// grid, tick labels, axis titles, the maxF point marked and the figures in a legend.</summary>
    public static void WritePrecisionRecallSvg(EvaluationReport report, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(title);
        using var writer = new StreamWriter(CreateFile(path), new UTF8Encoding(false));
        writer.Write(PrecisionRecallSvg(report, title));
    }

    private static string PrecisionRecallSvg(EvaluationReport report, string title)
    {
        const double width = 520, height = 440, left = 70, right = 20, top = 50, bottom = 60;
        const double plotWidth = width - left - right, plotHeight = height - top - bottom;
        string X(double recall) => (left + recall * plotWidth).ToString("F2", Invariant);
        string Y(double precision) => (top + (1 - precision) * plotHeight).ToString("F2", Invariant);

        var svg = new StringBuilder();
        svg.AppendLine(Invariant,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(Invariant, $"""  <rect width="{width}" height="{height}" fill="white"/>""");
        svg.AppendLine(Invariant,
            $"""  <text x="{width / 2}" y="28" text-anchor="middle" font-size="15">{Escape(title)}</text>""");
        for (var tick = 0; tick <= 10; tick += 2)
        {
            var value = tick / 10.0;
            var label = value.ToString("F1", Invariant);
            svg.AppendLine(Invariant,
                $"""  <line x1="{X(value)}" y1="{Y(0)}" x2="{X(value)}" y2="{Y(1)}" stroke="#e0e0e0"/>""");
            svg.AppendLine(Invariant,
                $"""  <line x1="{X(0)}" y1="{Y(value)}" x2="{X(1)}" y2="{Y(value)}" stroke="#e0e0e0"/>""");
            svg.AppendLine(Invariant,
                $"""  <text x="{X(value)}" y="{top + plotHeight + 18}" text-anchor="middle">{label}</text>""");
            svg.AppendLine(Invariant,
                $"""  <text x="{left - 8}" y="{Y(value)}" text-anchor="end" dominant-baseline="middle">{label}</text>""");
        }

        svg.AppendLine(Invariant,
            $"""  <rect x="{left}" y="{top}" width="{plotWidth}" height="{plotHeight}" fill="none" stroke="black"/>""");
        svg.AppendLine(Invariant,
            $"""  <text x="{left + plotWidth / 2}" y="{height - 15}" text-anchor="middle">Recall</text>""");
        svg.AppendLine(Invariant,
            $"""  <text x="18" y="{top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 18 {top + plotHeight / 2})">Precision</text>""");

        var points = string.Join(' ', report.PrecisionRecallCurve.Select(point => $"{X(point.Recall)},{Y(point.Precision)}"));
        svg.AppendLine(Invariant,
            $"""  <polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{points}"/>""");
        var best = report.PrecisionRecallCurve.First(point => point.Threshold == report.MaxFThreshold);
        svg.AppendLine(Invariant,
            $"""  <circle cx="{X(best.Recall)}" cy="{Y(best.Precision)}" r="4" fill="#d62728"/>""");
        string[] legend =
        [
            string.Create(Invariant, $"images {report.ImageCount}"),
            string.Create(Invariant, $"MAE {report.Mae:F4}"),
            string.Create(Invariant, $"Fbeta {report.FBeta:F4} (t = 0.5)"),
            string.Create(Invariant, $"IoU {report.IoU:F4} (t = 0.5)"),
            string.Create(Invariant, $"maxF {report.MaxF:F4} (t = {report.MaxFThreshold:F3}, red dot)"),
        ];
        for (var line = 0; line < legend.Length; line++)
        {
            svg.AppendLine(Invariant,
                $"""  <text x="{left + 10}" y="{top + plotHeight - 12 - (legend.Length - 1 - line) * 16}">{Escape(legend[line])}</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);

    private static FileStream CreateFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        return File.Create(path);
    }
}
