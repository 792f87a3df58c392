using System.Diagnostics.Metrics;

namespace BlurVideo.Pipeline;

/// <summary>Settings of a <see cref="BlurPipeline"/>.</summary>
public sealed record BlurPipelineOptions
{
    /// <summary>Latency budget and drop policy; null = <see cref="LatencyPolicy.For"/> the source (live or lossless).</summary>
    public LatencyPolicy? Latency { get; init; }

    public TemporalSmoothingOptions Smoothing { get; init; } = TemporalSmoothingOptions.Default;

    /// <summary>How a failed live source is reopened. Files are never reopened: their failure ends the stream.</summary>
    public ReconnectPolicy Reconnect { get; init; } = ReconnectPolicy.Default;

    /// <summary>Smaller network inputs for the next frames while inference is too slow for the stream; null = always full quality.</summary>
    public AdaptiveQualityOptions? AdaptiveQuality { get; init; }

    /// <summary>Leave the source open when the pipeline is disposed (the caller disposes it).</summary>
    public bool LeaveSourceOpen { get; init; }

    /// <summary>Creates the meter the statistics are published on (dependency injection); null = a meter the pipeline owns.</summary>
    public IMeterFactory? MeterFactory { get; init; }
}
