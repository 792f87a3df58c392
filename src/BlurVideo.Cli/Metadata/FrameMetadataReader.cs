using System.Globalization;
using System.Text.Json;

namespace BlurVideo.Cli.Metadata;

/// <summary>One frame's record: its presentation time and its tags (key → value, as written).</summary>
internal sealed record FrameMetadataRecord(double PtsTime, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// Reads the per-frame output of <c>ffprobe -show_entries frame=pts_time:frame_tags</c> (any filter's tags) and of
/// <see cref="FrameMetadataWriter"/>: JSON (<c>-of json</c>), or CSV (<c>-of csv</c>) with keys (<c>csv=nk=0</c>:
/// <c>pts_time=…,tag:lavfi.blur=…</c>) or without (the default: values in the order of <c>tagKeys</c>).
/// </summary>
internal static class FrameMetadataReader
{
    /// <param name="path">A .json file, or CSV.</param>
    /// <param name="tagKeys">For keyless CSV, the tag keys in column order (e.g. <see cref="FrameMetadataWriter.TagKeys"/>).</param>
    /// <exception cref="InvalidDataException">The file is not in one of these shapes.</exception>
    public static IReadOnlyList<FrameMetadataRecord> Read(string path, IReadOnlyList<string>? tagKeys = null)
    {
        var text = File.ReadAllText(path);
        return text.TrimStart().StartsWith('{') ? ReadJson(text) : ReadCsv(text, tagKeys ?? []);
    }

    private static List<FrameMetadataRecord> ReadJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (!document.RootElement.TryGetProperty("frames", out var frames))
        {
            throw new InvalidDataException("The JSON has no \"frames\" array.");
        }

        var records = new List<FrameMetadataRecord>();
        foreach (var frame in frames.EnumerateArray())
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (frame.TryGetProperty("tags", out var tagObject))
            {
                foreach (var tag in tagObject.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
                }
            }

            records.Add(new FrameMetadataRecord(ParseTime(frame.GetProperty("pts_time").GetString()), tags));
        }

        return records;
    }

    private static List<FrameMetadataRecord> ReadCsv(string text, IReadOnlyList<string> tagKeys)
    {
        var records = new List<FrameMetadataRecord>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',');
            if (fields.Length < 2 || fields[0] != "frame")
            {
                throw new InvalidDataException($"Not an ffprobe frame line: '{line}'.");
            }

            var time = fields[1].StartsWith("pts_time=", StringComparison.Ordinal) ? fields[1]["pts_time=".Length..] : fields[1];
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 2; i < fields.Length; i++)
            {
                if (fields[i].StartsWith("tag:", StringComparison.Ordinal) && fields[i].IndexOf('=', StringComparison.Ordinal) is > 4 and var equals)
                {
                    tags[fields[i][4..equals]] = fields[i][(equals + 1)..];
                }
                else if (i - 2 < tagKeys.Count)
                {
                    tags[tagKeys[i - 2]] = fields[i];
                }
                else
                {
                    throw new InvalidDataException($"Column {i + 1} of '{line}' has no key: pass the tag keys of keyless CSV.");
                }
            }

            records.Add(new FrameMetadataRecord(ParseTime(time), tags));
        }

        return records;
    }

    private static double ParseTime(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new InvalidDataException($"pts_time '{text}' is not a number.");
}
