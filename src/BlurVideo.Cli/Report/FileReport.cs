using System.Text.Json.Serialization;

namespace BlurVideo.Cli.Report;

/// <summary>One out-of-focus segment of a file, as the report writes it.</summary>
internal sealed record SegmentRecord(
    [property: JsonPropertyName("start_s")] double StartSeconds,
    [property: JsonPropertyName("end_s")] double EndSeconds,
    [property: JsonPropertyName("duration_s")] double DurationSeconds,
    [property: JsonPropertyName("start_frame")] long StartFrame,
    [property: JsonPropertyName("end_frame")] long EndFrame,
    [property: JsonPropertyName("start_timecode")] string StartTimecode,
    [property: JsonPropertyName("end_timecode")] string EndTimecode,
    [property: JsonPropertyName("mean_focus_score")] float MeanFocusScore,
    [property: JsonPropertyName("worst_focus_score")] float WorstFocusScore,
    [property: JsonPropertyName("worst_frame")] long WorstFrame,
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("thumbnail")] string? Thumbnail);

/// <summary>
/// The analysis of one file: its segments and the per-frame focus score (for the plot). Kept as
/// <c>files/&lt;name&gt;/analysis.json</c> in the output folder, where it also says which file version and settings it
/// belongs to, so that an unchanged file is not analysed again.
/// </summary>
internal sealed record FileReport
{
    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("source_length")]
    public long SourceLength { get; init; }

    [JsonPropertyName("source_modified_utc")]
    public DateTime SourceModifiedUtc { get; init; }

    [JsonPropertyName("analysis_key")]
    public string AnalysisKey { get; init; } = "";

    [JsonPropertyName("frames_per_second")]
    public double FramesPerSecond { get; init; }

    [JsonPropertyName("frames")]
    public long Frames { get; init; }

    [JsonPropertyName("duration_s")]
    public double DurationSeconds { get; init; }

    /// <summary>The container's start timecode (00:00:00:00 when it has none).</summary>
    [JsonPropertyName("start_timecode")]
    public string StartTimecode { get; init; } = Timecode.Zero;

    [JsonPropertyName("segments")]
    public IReadOnlyList<SegmentRecord> Segments { get; init; } = [];

    /// <summary>Source time of every frame, in seconds.</summary>
    [JsonPropertyName("times_s")]
    public IReadOnlyList<float> Times { get; init; } = [];

    /// <summary>The focus score of every frame (1 − the mean blur probability of the region's sharpest part).</summary>
    [JsonPropertyName("focus_scores")]
    public IReadOnlyList<float> FocusScores { get; init; } = [];

    [JsonPropertyName("scene_cut_frames")]
    public IReadOnlyList<long> SceneCutFrames { get; init; } = [];

    /// <summary>Why the file could not be analysed; null when it was.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Taken from an up-to-date analysis of an earlier run (not stored).</summary>
    [JsonIgnore]
    public bool UpToDate { get; init; }
}
