using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlurVideo.Cli.Commands;
using BlurVideo.Cli.Report;
using BlurVideo.Focus;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Queue;

/// <summary>
/// One job message: a video, where its report goes (<c>output_dir</c> = <c>DIR/&lt;video name&gt;</c>) and the report's
/// settings. The job id is derived from the video's content hash (a URL's: the URL), the settings and the output
/// folder, so that the same submission again has the same id.
/// </summary>
internal sealed record QueueJob
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    [JsonPropertyName("job_id")]
    public required string JobId { get; init; }

    /// <summary>The video's absolute path (workers need the same path: shared storage), or its URL.</summary>
    [JsonPropertyName("input")]
    public required string Input { get; init; }

    /// <summary>The file's SHA-256; null for a URL.</summary>
    [JsonPropertyName("content_sha256")]
    public required string? ContentSha256 { get; init; }

    /// <summary>The folder the report is moved into when complete: <c>DIR/&lt;video name&gt;</c>.</summary>
    [JsonPropertyName("output_dir")]
    public required string OutputDirectory { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("input_size")]
    public InputSizePolicy InputSize { get; init; }

    [JsonPropertyName("provider")]
    public ExecutionProvider Provider { get; init; }

    [JsonPropertyName("device")]
    public int Device { get; init; }

    [JsonPropertyName("region")]
    public string Region { get; init; } = "centre";

    [JsonPropertyName("sharpest_fraction")]
    public float SharpestFraction { get; init; } = new OutOfFocusOptions().SharpestFraction;

    [JsonPropertyName("enter_below")]
    public float EnterBelow { get; init; }

    [JsonPropertyName("exit_above")]
    public float ExitAbove { get; init; }

    [JsonPropertyName("min_duration_s")]
    public double MinimumDurationSeconds { get; init; }

    [JsonPropertyName("bridge_s")]
    public double BridgeSeconds { get; init; }

    [JsonPropertyName("submitted_utc")]
    public DateTime SubmittedUtc { get; init; }

    /// <summary>
    /// The job for the video at <paramref name="input"/> (a file, or an http(s)/rtsp(s) URL), reported into
    /// <c>&lt;outputRoot&gt;/&lt;video name&gt;</c> with <paramref name="settings"/>. A file's job id is derived from its
    /// content's SHA-256; a URL's from the URL string itself (what it serves may change, and a live stream has no
    /// content to hash), so the same URL submitted again is the same job.
    /// </summary>
    public static QueueJob Create(string input, string outputRoot, ReportSettings settings)
    {
        var isUrl = ReportRunner.IsStreamUrl(input);
        var path = isUrl ? input : Path.GetFullPath(input);
        string? contentHash = null;
        if (!isUrl)
        {
            using var stream = File.OpenRead(path);
            contentHash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        // A model given as a file is named by its absolute path, so that a worker elsewhere loads the same file.
        var model = settings.Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(settings.Model) : settings.Model;
        var outputDirectory = Path.Combine(Path.GetFullPath(outputRoot), ReportRunner.InputName(path));
        var job = new QueueJob
        {
            JobId = "",
            Input = path,
            ContentSha256 = contentHash,
            OutputDirectory = outputDirectory,
            Model = model,
            InputSize = settings.InputSize,
            Provider = settings.Provider,
            Device = settings.Device,
            Region = ReportSettings.RegionText(settings.Detection.Region),
            SharpestFraction = settings.Detection.SharpestFraction,
            EnterBelow = settings.Detection.EnterBelow,
            ExitAbove = settings.Detection.ExitAbove,
            MinimumDurationSeconds = settings.Detection.MinimumDuration.TotalSeconds,
            BridgeSeconds = settings.Detection.BridgeGap.TotalSeconds,
            SubmittedUtc = DateTime.UtcNow,
        };
        var key = $"{(isUrl ? "url:" + path : contentHash)}|{job.ToSettings(outputDirectory).AnalysisKey}|{outputDirectory}";
        return job with { JobId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] };
    }

    /// <summary>The report settings of the job, writing into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">The region is not one the command line takes.</exception>
    public ReportSettings ToSettings(string outputDirectory) => new()
    {
        Input = Input,
        OutputDirectory = outputDirectory,
        Detection = new OutOfFocusOptions
        {
            Region = ReportOptions.TryParseRegion(Region, out var region) ? region : throw new InvalidDataException($"Job {JobId}: unknown region '{Region}'."),
            SharpestFraction = SharpestFraction,
            EnterBelow = EnterBelow,
            ExitAbove = ExitAbove,
            MinimumDuration = TimeSpan.FromSeconds(MinimumDurationSeconds),
            BridgeGap = TimeSpan.FromSeconds(BridgeSeconds),
        },
        Model = Model,
        InputSize = InputSize,
        Provider = Provider,
        Device = Device,
    };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a job message; null (with the reason) when it is not one.</summary>
    public static QueueJob? TryParse(ReadOnlySpan<byte> body, out string? error)
    {
        try
        {
            var job = JsonSerializer.Deserialize<QueueJob>(body, Json);
            error = job is null || job.JobId.Length == 0 || !Path.IsPathFullyQualified(job.OutputDirectory) ? "not a blurvideo job" : null;
            return error is null ? job : null;
        }
        catch (JsonException ex)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"not a blurvideo job: {ex.Message}");
            return null;
        }
    }
}
