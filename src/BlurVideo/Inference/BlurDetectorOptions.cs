using Microsoft.Extensions.Logging;

namespace BlurVideo.Inference;

/// <summary>Settings of a <see cref="BlurDetector"/>.</summary>
public sealed record BlurDetectorOptions
{
    /// <summary>
    /// A shipped model's name (looked up in the models folder, see <see cref="ModelCatalog"/>) or the path of an
    /// .onnx file whose card <c>&lt;name&gt;.json</c> is beside it. Default <see cref="ModelCatalog.DefaultModelName"/>.
    /// </summary>
    public string Model { get; init; } = ModelCatalog.DefaultModelName;

    /// <summary>The models folder for <see cref="Model"/> names; null = <see cref="ModelCatalog.FindModelsDirectory"/>.</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>Where to run the network. Default <see cref="ExecutionProvider.Auto"/>.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>The CUDA device (ordinal) for <see cref="ExecutionProvider.Cuda"/> and <see cref="ExecutionProvider.Auto"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// A <c>cudaStream_t</c> of the application's on which ONNX Runtime runs the network (CUDA provider option
    /// <c>user_compute_stream</c>), so that inference is ordered with the application's own CUDA work;
    /// 0 = ONNX Runtime creates its own stream. The stream must outlive the detector.
    /// </summary>
    public nint CudaComputeStream { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 = its default (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Fail with <see cref="GpuUnavailableException"/> instead of falling back to the CPU when CUDA cannot be used.
    /// Not valid with <see cref="ExecutionProvider.Cpu"/>.
    /// </summary>
    public bool RequireGpu { get; init; }

    /// <summary>How the input size follows the frames. Default <see cref="InputSizePolicy.ModelCard"/>.</summary>
    public InputSizePolicy InputSize { get; init; } = InputSizePolicy.ModelCard;

    /// <summary>The most pixels <see cref="InputSizePolicy.Native"/> runs the network at (default 1280 × 960).</summary>
    public int MaxNativePixels { get; init; } = 1280 * 960;

    /// <summary>Receives the provider choice and the CPU fallback; null = no logging.</summary>
    public ILogger? Logger { get; init; }
}
