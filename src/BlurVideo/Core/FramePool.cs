namespace BlurVideo;

/// <summary>
/// A pool of <see cref="VideoFrame"/>s of one size (BGR8, <c>width * height * 3</c> bytes each).
/// Renting takes a returned frame when there is one and allocates a new one otherwise, so a stream whose
/// frames are disposed reaches a steady state with no allocation per frame.
/// </summary>
/// <remarks>Thread-safe: frames may be rented and returned from any thread.</remarks>
public sealed class FramePool
{
    private readonly RecyclingPool<VideoFrame> _frames;

    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="maxRetained">How many returned frames the pool keeps for reuse; frames returned beyond
    /// that are left to the garbage collector.</param>
    public FramePool(int width, int height, int maxRetained = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _frames = new RecyclingPool<VideoFrame>(() => new VideoFrame(this, width, height), maxRetained);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames rented and not yet disposed. Zero once every owner has disposed its frames.</summary>
    public int Outstanding => _frames.Outstanding;

    /// <summary>Frames this pool has allocated over its lifetime (flat in steady state).</summary>
    public int Allocated => _frames.Allocated;

    /// <summary>Rents a frame; the caller owns it until it disposes it or hands it on.</summary>
    public VideoFrame Rent()
    {
        var frame = _frames.Rent();
        frame.MarkRented();
        return frame;
    }

    internal void Return(VideoFrame frame) => _frames.Return(frame);
}
