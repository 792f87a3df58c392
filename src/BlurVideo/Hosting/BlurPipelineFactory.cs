using System.Diagnostics.Metrics;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlurVideo.Hosting;

/// <summary>
/// Creates <see cref="BlurPipeline"/>s on the host's <see cref="BlurDetector"/>, with the configured options, the
/// host's <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/> (so the pipeline's meter reaches the host's
/// metrics). Registered by <see cref="BlurVideoServiceCollectionExtensions.AddBlurVideo"/>.
/// </summary>
/// <remarks>
/// Thread-safe. The pipelines are the caller's to dispose. They share the host's one detector, which runs one frame at a
/// time: several pipelines at once each get their own frames' maps, at the combined rate of one detector.
/// </remarks>
public sealed class BlurPipelineFactory
{
    private readonly BlurDetector _detector;
    private readonly BlurPipelineOptions _options;
    private readonly ILoggerFactory? _loggerFactory;

    public BlurPipelineFactory(BlurDetector detector, IOptions<BlurVideoOptions> options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(options);
        _detector = detector;
        var pipeline = options.Value.Pipeline;
        _options = pipeline.MeterFactory is null && meterFactory is not null ? pipeline with { MeterFactory = meterFactory } : pipeline;
        _loggerFactory = loggerFactory;
    }

    /// <summary>A pipeline reading <paramref name="source"/> (which it disposes unless <see cref="BlurPipelineOptions.LeaveSourceOpen"/>).</summary>
    public BlurPipeline Create(IFrameSource source) =>
        new(source, _detector, _options, _loggerFactory?.CreateLogger<BlurPipeline>());
}
