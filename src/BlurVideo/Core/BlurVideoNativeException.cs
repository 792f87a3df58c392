namespace BlurVideo;

/// <summary>
/// A failure reported by the native OpenCV shim (<c>libblurvideo_native.so</c>). The message is the shim's
/// own description (it names the native function and, for files, the path); <see cref="Status"/> tells
/// the kind of failure. The native side is left in a consistent state: the process can go on.
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

    /// <summary>What kind of failure the shim reported.</summary>
    public NativeStatus Status { get; }
}
