using System.Globalization;
using System.Net;
using System.Text;

namespace BlurVideo.Cli.Report;

/// <summary>
/// <c>report.html</c>: an index of the files, then per file a plot of the focus score over time (SVG, segments shaded,
/// thresholds dashed, scene cuts ticked) and the table of its segments with a thumbnail of each. Self-contained apart
/// from the thumbnails beside it.
/// </summary>
internal static class HtmlReport
{
    private const int PlotWidth = 960;
    private const int PlotHeight = 220;
    private const int Left = 40;
    private const int Right = 10;
    private const int Top = 10;
    private const int Bottom = 30;
    private const int MaxPoints = 1000;

    private const string Style = """
        body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
        table { border-collapse: collapse; margin: 8px 0 16px; }
        th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: middle; }
        th { background: #f3f3f3; }
        section { margin-top: 28px; }
        .error { color: #b00; }
        svg.focus-plot { background: #fafafa; border: 1px solid #ddd; }
        svg .segment { fill: rgba(220, 40, 40, 0.25); }
        svg .score { fill: none; stroke: #1f5fbf; stroke-width: 1.5; }
        svg .threshold { stroke: #888; stroke-dasharray: 4 3; }
        svg .cut { stroke: #e08000; }
        svg text { font-size: 11px; fill: #555; }
        img.thumbnail { width: 240px; display: block; }
        """;

    public static void Write(string path, IReadOnlyList<FileReport> files, ReportSettings settings)
    {
        var detection = settings.Detection;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>BlurVideo out-of-focus report</title>\n<style>\n")
            .Append(Style).Append("</style>\n</head>\n<body>\n<h1>Out-of-focus report</h1>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Model {Encode(settings.Model)}; region {ReportSettings.RegionText(detection.Region)} (its sharpest {detection.SharpestFraction * 100:0.#} %); a segment starts below focus score {detection.EnterBelow:0.##} and ends above {detection.ExitAbove:0.##}; segments shorter than {detection.MinimumDuration.TotalSeconds:0.###} s are dropped.</p>\n");
        html.Append("<table class=\"index\">\n<tr><th>File</th><th>Duration</th><th>Segments</th><th>Out of focus</th><th>Status</th></tr>\n");
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var outOfFocus = file.Segments.Sum(segment => segment.DurationSeconds);
            var status = file.Error is not null ? $"<span class=\"error\">failed: {Encode(file.Error)}</span>" : file.UpToDate ? "up to date" : "analysed";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"#file-{i + 1}\">{Encode(file.File)}</a></td><td>{file.DurationSeconds:F1} s</td><td>{file.Segments.Count}</td><td>{outOfFocus:F1} s</td><td>{status}</td></tr>\n");
        }

        html.Append("</table>\n");
        for (var i = 0; i < files.Count; i++)
        {
            AppendFile(html, i + 1, files[i], settings);
        }

        html.Append("</body>\n</html>\n");
        File.WriteAllText(path, html.ToString());
    }

    private static void AppendFile(StringBuilder html, int number, FileReport file, ReportSettings settings)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"file\" id=\"file-{number}\">\n<h2>{Encode(file.File)}</h2>\n");
        if (file.Error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{Encode(file.Error)}</p>\n</section>\n");
            return;
        }

        html.Append(CultureInfo.InvariantCulture,
            $"<p>{file.Frames} frames at {file.FramesPerSecond:0.###} fps, {file.DurationSeconds:F2} s, start timecode {file.StartTimecode}; {file.Segments.Count} out-of-focus segment(s).</p>\n");
        AppendPlot(html, file, settings);
        if (file.Segments.Count == 0)
        {
            html.Append("</section>\n");
            return;
        }

        html.Append("<table class=\"segments\">\n<tr><th>#</th><th>Start</th><th>End</th><th>Duration</th><th>Mean focus</th><th>Worst focus</th><th>Worst frame</th></tr>\n");
        for (var i = 0; i < file.Segments.Count; i++)
        {
            var s = file.Segments[i];
            var thumbnail = s.Thumbnail is null ? "" : $"<img class=\"thumbnail\" src=\"{Encode(s.Thumbnail)}\" alt=\"frame {s.WorstFrame} with its blur heatmap\">";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{i + 1}</td><td>{s.StartSeconds:F3} s<br>{s.StartTimecode}</td><td>{s.EndSeconds:F3} s<br>{s.EndTimecode}</td><td>{s.DurationSeconds:F3} s</td><td>{s.MeanFocusScore:F3}</td><td>{s.WorstFocusScore:F3}</td><td>{thumbnail}frame {s.WorstFrame}</td></tr>\n");
        }

        html.Append("</table>\n</section>\n");
    }

    private static void AppendPlot(StringBuilder html, FileReport file, ReportSettings settings)
    {
        var duration = Math.Max(file.DurationSeconds, 1e-3);
        double X(double seconds) => Left + (seconds / duration * (PlotWidth - Left - Right));
        double Y(double score) => Top + ((1 - Math.Clamp(score, 0, 1)) * (PlotHeight - Top - Bottom));
        var inv = CultureInfo.InvariantCulture;

        html.Append(inv, $"<svg class=\"focus-plot\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" viewBox=\"0 0 {PlotWidth} {PlotHeight}\" role=\"img\" aria-label=\"focus score of {Encode(file.File)} over time\">\n");
        foreach (var s in file.Segments)
        {
            html.Append(inv, $"<rect class=\"segment\" x=\"{X(s.StartSeconds):F1}\" y=\"{Top}\" width=\"{Math.Max(1, X(s.EndSeconds) - X(s.StartSeconds)):F1}\" height=\"{PlotHeight - Top - Bottom}\"/>\n");
        }

        foreach (var threshold in new[] { settings.Detection.EnterBelow, settings.Detection.ExitAbove })
        {
            html.Append(inv, $"<line class=\"threshold\" x1=\"{Left}\" x2=\"{PlotWidth - Right}\" y1=\"{Y(threshold):F1}\" y2=\"{Y(threshold):F1}\"/>\n");
        }

        foreach (var cut in file.SceneCutFrames)
        {
            var x = X(cut < file.Times.Count ? file.Times[(int)cut] : cut / file.FramesPerSecond);
            html.Append(inv, $"<line class=\"cut\" x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{PlotHeight - Bottom}\" y2=\"{PlotHeight - Bottom + 6}\"/>\n");
        }

        html.Append("<polyline class=\"score\" points=\"");
        foreach (var (time, score) in Decimate(file.Times, file.FocusScores))
        {
            html.Append(inv, $"{X(time):F1},{Y(score):F1} ");
        }

        html.Append("\"/>\n");
        html.Append(inv, $"<line stroke=\"#444\" x1=\"{Left}\" x2=\"{PlotWidth - Right}\" y1=\"{PlotHeight - Bottom}\" y2=\"{PlotHeight - Bottom}\"/>\n");
        html.Append(inv, $"<line stroke=\"#444\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{PlotHeight - Bottom}\"/>\n");
        html.Append(inv, $"<text x=\"{Left - 6}\" y=\"{Y(1) + 4:F1}\" text-anchor=\"end\">1</text><text x=\"{Left - 6}\" y=\"{Y(0) + 4:F1}\" text-anchor=\"end\">0</text>\n");
        var step = TickStep(duration);
        for (var t = 0.0; t <= duration + 1e-9; t += step)
        {
            html.Append(inv, $"<text x=\"{X(t):F1}\" y=\"{PlotHeight - 10}\" text-anchor=\"middle\">{t:0.##} s</text>\n");
        }

        html.Append("</svg>\n");
    }

    /// <summary>At most <see cref="MaxPoints"/> points: the lowest score of each bucket, so that no dip disappears.</summary>
    private static IEnumerable<(double Time, double Score)> Decimate(IReadOnlyList<float> times, IReadOnlyList<float> scores)
    {
        var count = Math.Min(times.Count, scores.Count);
        var bucket = Math.Max(1, (count + MaxPoints - 1) / MaxPoints);
        for (var start = 0; start < count; start += bucket)
        {
            var lowest = start;
            for (var i = start + 1; i < Math.Min(count, start + bucket); i++)
            {
                if (scores[i] < scores[lowest])
                {
                    lowest = i;
                }
            }

            yield return (times[lowest], scores[lowest]);
        }
    }

    private static double TickStep(double duration)
    {
        foreach (var step in new[] { 1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 })
        {
            if (duration / step <= 12)
            {
                return step;
            }
        }

        return 7200;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
