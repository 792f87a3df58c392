using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlurVideo.Cli.Report;

/// <summary>The report's segment lists: <c>segments.json</c>, <c>segments.csv</c> and a CMX3600 EDL per file.</summary>
internal static class ReportWriters
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary><c>{"files": [{"file", "frames_per_second", "duration_s", "start_timecode", "error", "segments": [...]}]}</c>.</summary>
    public static void WriteJson(string path, IReadOnlyList<FileReport> files)
    {
        var document = new SegmentsDocument([.. files.Select(file => new SegmentsOfFile(
            file.File, file.FramesPerSecond, file.Frames, file.DurationSeconds, file.StartTimecode, file.Error, file.Segments))]);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
    }

    /// <summary>One row per segment.</summary>
    public static void WriteCsv(string path, IReadOnlyList<FileReport> files)
    {
        var csv = new StringBuilder("file,segment,start_s,end_s,duration_s,start_frame,end_frame,start_timecode,end_timecode,mean_focus_score,worst_focus_score,region\n");
        foreach (var file in files)
        {
            for (var i = 0; i < file.Segments.Count; i++)
            {
                var s = file.Segments[i];
                csv.Append(CultureInfo.InvariantCulture,
                    $"{CsvField(file.File)},{i + 1},{s.StartSeconds:F3},{s.EndSeconds:F3},{s.DurationSeconds:F3},{s.StartFrame},{s.EndFrame},{s.StartTimecode},{s.EndTimecode},{s.MeanFocusScore:F4},{s.WorstFocusScore:F4},{s.Region}\n");
            }
        }

        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>
    /// A CMX3600 edit decision list with one cut event per segment, timecodes at the file's frame rate (non-drop-frame)
    /// from its start timecode; the record side repeats the source side, so each event sits where it is in the file.
    /// </summary>
    public static void WriteEdl(string path, FileReport file)
    {
        var edl = new StringBuilder();
        edl.Append(CultureInfo.InvariantCulture, $"TITLE: {EdlText(Path.GetFileNameWithoutExtension(file.File))} out of focus\n");
        edl.Append("FCM: NON-DROP FRAME\n\n");
        for (var i = 0; i < file.Segments.Count; i++)
        {
            var s = file.Segments[i];
            edl.Append(CultureInfo.InvariantCulture, $"{i + 1:D3}  AX       V     C        {s.StartTimecode} {s.EndTimecode} {s.StartTimecode} {s.EndTimecode}\n");
            edl.Append(CultureInfo.InvariantCulture, $"* FROM CLIP NAME: {EdlText(file.File)}\n");
            edl.Append(CultureInfo.InvariantCulture,
                $"* COMMENT: OUT OF FOCUS ({s.Region}) {s.DurationSeconds:F2} S, MEAN FOCUS {s.MeanFocusScore:F2}, WORST {s.WorstFocusScore:F2}\n\n");
        }

        File.WriteAllText(path, edl.ToString());
    }

    private static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string EdlText(string text) => text.ReplaceLineEndings(" ");

    private sealed record SegmentsDocument([property: JsonPropertyName("files")] IReadOnlyList<SegmentsOfFile> Files);

    private sealed record SegmentsOfFile(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("frames_per_second")] double FramesPerSecond,
        [property: JsonPropertyName("frames")] long Frames,
        [property: JsonPropertyName("duration_s")] double DurationSeconds,
        [property: JsonPropertyName("start_timecode")] string StartTimecode,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("segments")] IReadOnlyList<SegmentRecord> Segments);
}
