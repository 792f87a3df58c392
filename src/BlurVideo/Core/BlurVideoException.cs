namespace BlurVideo;

/// <summary>
/// The base of every exception BlurVideo throws on purpose: a failure of the input or the environment that the
/// application can report and go on from, with a one-line message that says what and where. Catching this type
/// (plus <see cref="IOException"/> and <see cref="UnauthorizedAccessException"/> for the application's own files)
/// catches every expected failure; anything else is a bug (a wrong argument, misuse, or a defect).
/// </summary>
/// <remarks>
/// Derived types, for callers that react differently: <c>BlurVideo.Inference.ModelNotFoundException</c> (no such
/// model), <c>BlurVideo.Inference.InvalidModelException</c> (a card or network that cannot be used, including ONNX
/// Runtime's load failures), <c>BlurVideo.Inference.GpuUnavailableException</c> (CUDA required but unusable),
/// <c>BlurVideo.Pipeline.FrameSourceException</c> (a source that cannot be opened or fails while reading),
/// <see cref="BlurVideoNativeException"/> (the native shim: undecodable files, failed writes), and in
/// <c>BlurVideo.Measurement</c> the sample mismatch of an evaluation. A failure of ONNX Runtime while running the
/// network is a <see cref="BlurVideoException"/> itself, with ONNX Runtime's exception as the inner one.
/// </remarks>
public class BlurVideoException : Exception
{
    public BlurVideoException()
        : this("BlurVideo failed.")
    {
    }

    public BlurVideoException(string message)
        : base(message)
    {
    }

    public BlurVideoException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
