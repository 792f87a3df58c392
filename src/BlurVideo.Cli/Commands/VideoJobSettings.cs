using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Commands;

/// <summary>What <see cref="VideoJob"/> runs: the <c>video</c> command's arguments (and the demo's fixed ones).</summary>
internal sealed record VideoJobSettings
{
    /// <summary>A file, a folder of images, a camera index or device, a URL, or <c>synthetic</c>.</summary>
    public required string Input { get; init; }

    /// <summary>The overlay video (.mp4 with mp4v, .avi with MJPG); null = none (another output is asked for).</summary>
    public string? OutputVideo { get; init; }

    /// <summary>How the blur map is drawn on the video (the options <c>monitor</c> shows too).</summary>
    public OverlayOptions Overlay { get; init; } = new();

    public string? CsvPath { get; init; }

    public string? StatsJsonPath { get; init; }

    /// <summary>ffprobe-style per-frame records (<c>lavfi.blurvideo.*</c> tags): JSON for a .json path, else CSV.</summary>
    public string? FrameMetadataPath { get; init; }

    /// <summary>Every emitted frame's blur map as an 8-bit PNG at the frame's size (255 = blurred), named by frame index.</summary>
    public string? MapsDirectory { get; init; }

    public TemporalSmoothingOptions Smoothing { get; init; } = TemporalSmoothingOptions.Default;

    /// <summary>Live mode (drop frames to stay on time) even for a file.</summary>
    public bool Live { get; init; }

    /// <summary>Live mode: always the full input size (no adaptive quality).</summary>
    public bool FixedQuality { get; init; }

    /// <summary>True when at least one output (video, CSV, statistics, frame metadata, maps) is asked for.</summary>
    public bool HasOutput =>
        OutputVideo is not null || CsvPath is not null || StatsJsonPath is not null || FrameMetadataPath is not null || MapsDirectory is not null;

    /// <summary>Stop after this many emitted frames.</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Stop after this much time.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>A shipped model name or an .onnx path.</summary>
    public string Model { get; init; } = ModelCatalog.DefaultModelName;

    /// <summary>The size the network runs at (the card's by default: the real-time cost it was made for).</summary>
    public InputSizePolicy InputSize { get; init; } = InputSizePolicy.ModelCard;

    /// <summary>Where to run the network; an explicit <see cref="ExecutionProvider.Cuda"/> requires the GPU.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>The CUDA device ordinal.</summary>
    public int Device { get; init; }

    /// <summary>The scene of the <c>synthetic</c> input; null = its defaults.</summary>
    public SyntheticSceneOptions? SyntheticScene { get; init; }
}

/// <summary>The figures of a finished run.</summary>
internal sealed record VideoJobOutcome(
    PipelineStatisticsSnapshot Statistics,
    long? FramesWritten,
    long FramesSkipped,
    double MeanBlurredFraction,
    bool Interrupted,
    string ModelName);

/// <summary>A user-facing failure of a run (missing input, unopenable source, unusable output): one clear line.</summary>
internal sealed class VideoJobException : BlurVideoException
{
    public VideoJobException()
    {
    }

    public VideoJobException(string message)
        : base(message)
    {
    }

    public VideoJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
