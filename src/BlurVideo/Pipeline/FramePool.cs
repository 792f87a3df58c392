namespace BlurVideo.Pipeline;

/// <summary>
/// A pool of <see cref="VideoFrame"/>s of one size (BGR8, <c>width * height * 3</c> bytes each).
/// Renting takes a returned frame when there is one and allocates a new one otherwise, so a stream whose
/// frames are disposed reaches a steady state with no allocation per frame.
/// </summary>
/// <remarks>Thread-safe: frames may be rented and returned from any thread.</remarks>
public sealed class FramePool
{
    private readonly Lock _gate = new();
    private readonly Stack<VideoFrame> _available;
    private readonly int _maxRetained;
    private int _outstanding;
    private int _allocated;

    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="maxRetained">How many returned frames the pool keeps for reuse; frames returned beyond
    /// that are left to the garbage collector.</param>
    public FramePool(int width, int height, int maxRetained = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRetained);
        Width = width;
        Height = height;
        _maxRetained = maxRetained;
        _available = new Stack<VideoFrame>(maxRetained);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames rented and not yet disposed. Zero once every owner has disposed its frames.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Frames this pool has allocated over its lifetime (flat in steady state).</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    /// <summary>Rents a frame; the caller owns it until it disposes it or hands it on.</summary>
    public VideoFrame Rent()
    {
        VideoFrame? frame;
        lock (_gate)
        {
            _available.TryPop(out frame);
            _outstanding++;
        }

        if (frame is null)
        {
            frame = new VideoFrame(this, Width, Height);
            Interlocked.Increment(ref _allocated);
        }

        frame.MarkRented();
        return frame;
    }

    internal void Return(VideoFrame frame)
    {
        lock (_gate)
        {
            _outstanding--;
            if (_available.Count < _maxRetained)
            {
                _available.Push(frame);
            }
        }
    }
}
