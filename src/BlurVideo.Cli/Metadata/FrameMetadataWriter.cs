using System.Globalization;
using System.Text;
using System.Text.Json;
using BlurVideo.Focus;

namespace BlurVideo.Cli.Metadata;

/// <summary>
/// Writes per-frame records in the shapes <c>ffprobe -show_entries frame=pts_time:frame_tags -of csv|json</c>
/// produces for a filter's <c>lavfi.*</c> tags (e.g. <c>blurdetect</c>'s <c>lavfi.blur</c>), with BlurVideo's figures as
/// <c>lavfi.blurvideo.*</c> tags in the order of <see cref="TagKeys"/>: CSV lines <c>frame,&lt;pts_time&gt;,&lt;tag values&gt;</c>
/// (ffprobe's default csv has no keys) or a JSON object <c>{"frames": [{"pts_time": "...", "tags": {...}}]}</c> with every
/// value a string, as ffprobe writes them.
/// </summary>
/// <remarks>A frame's record is formatted into reused buffers: writing allocates nothing per frame.</remarks>
internal sealed class FrameMetadataWriter : IDisposable
{
    private const int ZoneRows = 3;
    private const int ZoneColumns = 3;
    private const int FlushBytes = 16 * 1024;

    /// <summary>The tag keys, in the order of the CSV's columns after <c>pts_time</c>.</summary>
    public static IReadOnlyList<string> TagKeys { get; } =
    [
        "lavfi.blurvideo.blurred_fraction",
        "lavfi.blurvideo.focus_score",
        .. Enumerable.Range(0, ZoneRows * ZoneColumns).Select(i => $"lavfi.blurvideo.zone_{i / ZoneColumns}{i % ZoneColumns}"),
        "lavfi.blurvideo.state",
        "lavfi.blurvideo.scene_cut",
    ];

    private static readonly JsonEncodedText[] EncodedKeys = [.. TagKeys.Select(key => JsonEncodedText.Encode(key))];
    private static readonly JsonEncodedText PtsTime = JsonEncodedText.Encode("pts_time");
    private static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags");
    private static readonly FocusRegionOfInterest[] Zones =
    [
        .. Enumerable.Range(0, ZoneRows * ZoneColumns).Select(i =>
            new FocusRegionOfInterest((i % ZoneColumns) / (float)ZoneColumns, (i / ZoneColumns) / (float)ZoneRows, 1f / ZoneColumns, 1f / ZoneRows)),
    ];

    private readonly FocusStateTracker _focus = new();
    private readonly Stream _stream;
    private readonly Utf8JsonWriter? _json;
    private readonly StreamWriter? _csv;
    private readonly char[] _value = new char[32];
    private readonly char[] _line = new char[512];
    private bool _disposed;

    /// <summary>Creates <paramref name="path"/>: JSON when it ends in <c>.json</c>, else CSV.</summary>
    public FrameMetadataWriter(string path)
    {
        _stream = File.Create(path);
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Indented = true });
            _json.WriteStartObject();
            _json.WriteStartArray("frames");
        }
        else
        {
            _csv = new StreamWriter(_stream, new UTF8Encoding(false)) { AutoFlush = true }; // whole records survive a hard kill
        }
    }

    /// <summary>Writes the record of one result (which stays the caller's).</summary>
    public void Write(BlurResult result, float blurredFraction)
    {
        var map = result.Map;
        var state = _focus.Update(map) == FocusState.OutOfFocus ? "out_of_focus" : "in_focus";
        Span<float> values = stackalloc float[2 + Zones.Length];
        values[0] = blurredFraction;
        values[1] = 1f - _focus.RegionBlur;
        for (var i = 0; i < Zones.Length; i++)
        {
            values[2 + i] = 1f - Zones[i].MeanBlur(map.Values, map.Width, map.Height);
        }

        var ptsTime = result.SourceTimestamp.TotalSeconds;
        var sceneCut = result.SceneCut ? "1" : "0";
        if (_json is not null)
        {
            WriteJson(ptsTime, values, state, sceneCut);
        }
        else
        {
            WriteCsv(ptsTime, values, state, sceneCut);
        }
    }

    /// <summary>Closes the JSON document and the file. Calling it again is a no-op.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_json is not null)
        {
            _json.WriteEndArray();
            _json.WriteEndObject();
            _json.Dispose();
        }

        _csv?.Dispose();
        _stream.Dispose();
    }

    private void WriteJson(double ptsTime, ReadOnlySpan<float> values, string state, string sceneCut)
    {
        var json = _json!;
        json.WriteStartObject();
        ptsTime.TryFormat(_value, out var length, "F6", CultureInfo.InvariantCulture);
        json.WriteString(PtsTime, _value.AsSpan(0, length));
        json.WriteStartObject(Tags);
        for (var i = 0; i < values.Length; i++)
        {
            values[i].TryFormat(_value, out length, "F6", CultureInfo.InvariantCulture);
            json.WriteString(EncodedKeys[i], _value.AsSpan(0, length));
        }

        json.WriteString(EncodedKeys[values.Length], state);
        json.WriteString(EncodedKeys[values.Length + 1], sceneCut);
        json.WriteEndObject();
        json.WriteEndObject();
        if (json.BytesPending > FlushBytes)
        {
            json.Flush(); // the writer buffers until flushed; flushing keeps its buffer from growing
        }
    }

    private void WriteCsv(double ptsTime, ReadOnlySpan<float> values, string state, string sceneCut)
    {
        var line = _line.AsSpan();
        "frame,".CopyTo(line);
        var used = 6;
        ptsTime.TryFormat(line[used..], out var length, "F6", CultureInfo.InvariantCulture);
        used += length;
        foreach (var value in values)
        {
            line[used++] = ',';
            value.TryFormat(line[used..], out length, "F6", CultureInfo.InvariantCulture);
            used += length;
        }

        line[used++] = ',';
        state.CopyTo(line[used..]);
        used += state.Length;
        line[used++] = ',';
        sceneCut.CopyTo(line[used..]);
        used += sceneCut.Length;
        _csv!.WriteLine(line[..used]);
    }
}
