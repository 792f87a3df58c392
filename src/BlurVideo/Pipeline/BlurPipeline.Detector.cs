using BlurVideo.Inference;
using Microsoft.Extensions.Logging;

namespace BlurVideo.Pipeline;

public sealed partial class BlurPipeline
{
    /// <summary>A pipeline that runs <paramref name="detector"/> on every frame of <paramref name="source"/>.</summary>
    /// <param name="source">The frames; disposed with the pipeline unless <see cref="BlurPipelineOptions.LeaveSourceOpen"/>.</param>
    /// <param name="detector">The model; used by the pipeline's processing task only, not disposed by the pipeline.</param>
    /// <param name="options">Settings; null = defaults for the source.</param>
    /// <param name="logger">Receives reconnect warnings.</param>
    public BlurPipeline(IFrameSource source, BlurDetector detector, BlurPipelineOptions? options = null, ILogger? logger = null)
        : this(source, detector, options, createAligner: null, logger)
    {
    }
}
