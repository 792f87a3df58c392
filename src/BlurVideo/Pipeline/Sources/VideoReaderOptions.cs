using BlurVideo.Native;

namespace BlurVideo.Pipeline.Sources;

/// <summary>Optional settings for opening a <see cref="VideoReaderSource"/>. Unset values use the backend's defaults.</summary>
public sealed record VideoReaderOptions
{
    /// <summary>Network streams: how long opening may take.</summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <summary>Network streams: how long one read may block before the stream counts as failed.</summary>
    public TimeSpan? ReadTimeout { get; init; }

    /// <summary>Cameras: requested capture width (the driver may choose another size).</summary>
    public int? CameraWidth { get; init; }

    /// <summary>Cameras: requested capture height.</summary>
    public int? CameraHeight { get; init; }

    /// <summary>Cameras: requested frame rate.</summary>
    public double? CameraFramesPerSecond { get; init; }

    internal NativeMethods.SourceOptions ToNative() => new()
    {
        OpenTimeoutMs = Milliseconds(OpenTimeout),
        ReadTimeoutMs = Milliseconds(ReadTimeout),
        CameraWidth = CameraWidth ?? 0,
        CameraHeight = CameraHeight ?? 0,
        CameraFps = CameraFramesPerSecond ?? 0,
    };

    private static int Milliseconds(TimeSpan? value) =>
        value is { } timeout ? (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue) : 0;
}
