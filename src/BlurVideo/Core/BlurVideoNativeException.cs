namespace BlurVideo;

/// <summary>
/// A failure of the native code under the SDK: the OpenCV shim (<c>libblurvideo_native.so</c>, whose messages name
/// the native function) or OpenCV through OpenCvSharp (video and image files, cameras, streams). The message names
/// the file or source; <see cref="Status"/> tells the kind of failure. The native side is left in a consistent
/// state: the process can go on.
/// </summary>
public sealed class BlurVideoNativeException : BlurVideoException
{
    public BlurVideoNativeException()
        : this(NativeStatus.Unknown, "The native shim reported a failure.")
    {
    }

    public BlurVideoNativeException(string message)
        : this(NativeStatus.Unknown, message)
    {
    }

    public BlurVideoNativeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = NativeStatus.Unknown;
    }

    public BlurVideoNativeException(NativeStatus status, string message)
        : base(message)
    {
        Status = status;
    }

    internal BlurVideoNativeException(NativeStatus status, string message, Exception innerException)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>What kind of failure it was.</summary>
    public NativeStatus Status { get; }
}
