using System.Diagnostics;

namespace BlurVideo;

/// <summary>
/// One captured image: a fixed-size BGR8 buffer rented from a <see cref="FramePool"/>, with the frame's
/// sequence number, the source's timestamp and the monotonic time it was captured.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> A frame has exactly one owner at every moment. The source that rents it owns it
/// until it hands it on (returns it from <see cref="Pipeline.IFrameSource.ReadFrameAsync"/>); from then on the
/// receiver owns it: the pipeline while the frame travels through its channels and stages, then the
/// consumer that receives it inside a <see cref="BlurResult"/>. Whoever owns the frame last calls
/// <see cref="Dispose"/>, which returns the buffer to its pool. Passing a frame on transfers ownership;
/// the previous owner must not touch it afterwards.</para>
/// <para>After <see cref="Dispose"/> the object is recycled: the members throw
/// <see cref="ObjectDisposedException"/> until the pool rents it out again, at which point a stale
/// reference would see someone else's pixels. Never keep a reference to a frame you have disposed.</para>
/// </remarks>
public sealed class VideoFrame : IDisposable
{
    private readonly FramePool _pool;
    private readonly byte[] _pixels;
    private int _rented;

    internal VideoFrame(FramePool pool, int width, int height)
    {
        _pool = pool;
        Width = width;
        Height = height;
        Stride = width * 3;
        // Pinned so that native code can read and write it without pinning per call.
        _pixels = GC.AllocateUninitializedArray<byte>(Stride * height, pinned: true);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes between the starts of two rows (always <c>Width * 3</c>).</summary>
    public int Stride { get; }

    /// <summary>Number of the frame within its source, 0-based, increasing; gaps mean frames the source skipped.</summary>
    public long SequenceNumber { get; set; }

    /// <summary>The source's presentation time of the frame (for files, the position in the video).</summary>
    public TimeSpan SourceTimestamp { get; set; }

    /// <summary>When the frame was captured, in <see cref="Stopwatch.GetTimestamp"/> ticks (monotonic).</summary>
    public long CaptureTimestamp { get; set; }

    /// <summary>The BGR8 pixels, row-major, <see cref="Stride"/> bytes per row.</summary>
    public Span<byte> Pixels
    {
        get
        {
            ThrowIfReturned();
            return _pixels;
        }
    }

    /// <summary>Time elapsed since <see cref="CaptureTimestamp"/>.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(CaptureTimestamp);

    /// <summary>Stamps <see cref="CaptureTimestamp"/> with the current monotonic time.</summary>
    public void MarkCaptured() => CaptureTimestamp = Stopwatch.GetTimestamp();

    /// <summary>Returns the frame to its pool. Calling it again is a no-op.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            _pool.Return(this);
        }
    }

    internal void MarkRented()
    {
        SequenceNumber = 0;
        SourceTimestamp = TimeSpan.Zero;
        CaptureTimestamp = 0;
        Volatile.Write(ref _rented, 1);
    }

    private void ThrowIfReturned()
    {
        if (Volatile.Read(ref _rented) == 0)
        {
            throw new ObjectDisposedException(nameof(VideoFrame), "The frame was returned to its pool.");
        }
    }
}
