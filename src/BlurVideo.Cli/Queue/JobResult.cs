using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlurVideo.Cli.Queue;

/// <summary>
/// The result message of a finished job, published to <see cref="QueueTopology.Results"/> (routing key = status) and,
/// for a done job, kept as <c>job.json</c> in its output folder, where it marks the output as complete.
/// </summary>
internal sealed record JobResult
{
    /// <summary>The name of the marker file in a job's output folder.</summary>
    public const string FileName = "job.json";

    private const string PublishedMarker = ".published";

    [JsonPropertyName("job_id")]
    public required string JobId { get; init; }

    /// <summary><c>done</c> or <c>failed</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("input")]
    public required string Input { get; init; }

    [JsonPropertyName("output_dir")]
    public required string OutputDirectory { get; init; }

    /// <summary>The files of the output folder, relative to it.</summary>
    [JsonPropertyName("outputs")]
    public IReadOnlyList<string> Outputs { get; init; } = [];

    [JsonPropertyName("frames")]
    public long Frames { get; init; }

    [JsonPropertyName("duration_s")]
    public double DurationSeconds { get; init; }

    [JsonPropertyName("segments")]
    public SegmentsSummary Segments { get; init; } = new(0, 0, []);

    /// <summary>From submission to the start of the run that finished it.</summary>
    [JsonPropertyName("queued_s")]
    public double QueuedSeconds { get; init; }

    [JsonPropertyName("run_s")]
    public double RunSeconds { get; init; }

    /// <summary>Which runs it took (1 = the first run finished it).</summary>
    [JsonPropertyName("attempt")]
    public int Attempt { get; init; }

    /// <summary><c>host:pid</c> of the worker.</summary>
    [JsonPropertyName("worker")]
    public required string Worker { get; init; }

    [JsonPropertyName("finished_utc")]
    public DateTime FinishedUtc { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>
    /// Whether the result of the job in <paramref name="outputDirectory"/> was published: a delivery of a finished job
    /// publishes it only if not, so that a result is lost neither when its worker dies between the rename and the
    /// publication, nor doubled by every duplicate delivery.
    /// </summary>
    public static bool IsPublished(string outputDirectory) => File.Exists(Path.Combine(outputDirectory, PublishedMarker));

    public static void MarkPublished(string outputDirectory)
    {
        try
        {
            File.WriteAllBytes(Path.Combine(outputDirectory, PublishedMarker), []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A later duplicate delivery publishes the result again; consumers key results by job id.
        }
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, QueueJob.Json);

    /// <summary>The result recorded in <paramref name="outputDirectory"/> if it is the finished output of job <paramref name="jobId"/>.</summary>
    public static JobResult? ReadDone(string outputDirectory, string jobId)
    {
        try
        {
            var result = JsonSerializer.Deserialize<JobResult>(File.ReadAllBytes(Path.Combine(outputDirectory, FileName)), QueueJob.Json);
            return result is { Status: "done" } && result.JobId == jobId ? result : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>The out-of-focus segments of a job's video: how many, their total length, and each one's start and end (seconds).</summary>
internal sealed record SegmentsSummary(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("total_s")] double TotalSeconds,
    [property: JsonPropertyName("spans_s")] IReadOnlyList<double[]> Spans);
