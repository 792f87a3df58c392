namespace BlurVideo.Pipeline;

/// <summary>
/// Something that produces <see cref="VideoFrame"/>s: a video file, a camera, a network stream, an image
/// sequence or folder, or frames generated in process.
/// </summary>
/// <remarks>
/// A source is used by one reader at a time. Disposing it releases its native handle and its frame pool;
/// frames already handed out stay valid until their owners dispose them.
/// </remarks>
public interface IFrameSource : IAsyncDisposable
{
    /// <summary>What the source reads, for messages and logs (a path, a device, a URL).</summary>
    string Description { get; }

    /// <summary>
    /// True for cameras and network streams, which produce frames at their own pace whether or not they
    /// are read (the pipeline then drops frames to stay on time and reopens the source when it fails);
    /// false for files, image sequences and other finite sources read as fast as they are consumed.
    /// </summary>
    bool IsLive { get; }

    /// <summary>Frames per second announced by the source; 0 if unknown.</summary>
    double FramesPerSecond { get; }

    /// <summary>How many frames a finite source will deliver, when it knows; null for live or unknown lengths.</summary>
    long? FrameCount { get; }

    /// <summary>What the source reads.</summary>
    FrameSourceKind Kind { get; }

    /// <summary>
    /// Reads the next frame. The caller owns the returned frame and must dispose it (or hand it on).
    /// Returns <see langword="null"/> at the end of a finite source.
    /// </summary>
    /// <exception cref="FrameSourceException">The source failed (lost camera, broken stream, damaged file).</exception>
    ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes and reopens the source after a failure (live sources). Sequence numbers continue to increase.
    /// </summary>
    /// <exception cref="FrameSourceException">The source could not be reopened (yet).</exception>
    ValueTask ReopenAsync(CancellationToken cancellationToken);
}
