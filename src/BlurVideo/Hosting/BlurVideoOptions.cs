using BlurVideo.Inference;
using BlurVideo.Pipeline;

namespace BlurVideo.Hosting;

/// <summary>The settings <see cref="BlurVideoServiceCollectionExtensions.AddBlurVideo"/> registers (options pattern).</summary>
public sealed class BlurVideoOptions
{
    /// <summary>The detector's settings; its <see cref="BlurDetectorOptions.Logger"/> defaults to the host's logger.</summary>
    public BlurDetectorOptions Detector { get; set; } = new();

    /// <summary>The settings of every pipeline the factory creates; its meter factory defaults to the host's.</summary>
    public BlurPipelineOptions Pipeline { get; set; } = new();
}
