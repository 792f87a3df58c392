namespace BlurVideo.Inference;

/// <summary>
/// <see cref="BlurDetectorOptions.RequireGpu"/> was set and the CUDA execution provider could not be used
/// (ONNX Runtime built without it, no CUDA libraries, no device, ...). The message says why.
/// </summary>
public sealed class GpuUnavailableException : BlurVideoException
{
    public GpuUnavailableException()
    {
    }

    public GpuUnavailableException(string message)
        : base(message)
    {
    }

    public GpuUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
