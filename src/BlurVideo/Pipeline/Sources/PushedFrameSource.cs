using System.Diagnostics;
using System.Threading.Channels;
using OpenCvSharp;

namespace BlurVideo.Pipeline.Sources;

/// <summary>
/// Frames an application pushes from its own capture (OpenCV <see cref="Mat"/>s) into a <see cref="BlurPipeline"/>.
/// Each push copies (and converts) the image into a pooled BGR8 <see cref="VideoFrame"/>, so the application keeps its
/// Mat; <see cref="Complete"/> ends the stream.
/// </summary>
/// <remarks>
/// <para><b>Live</b> (the default, as for a camera): the source holds up to <c>capacity</c> frames and a push into a full
/// source drops (and disposes) the oldest, so the pipeline always works on the newest frames; the pipeline's live
/// latency policy applies. <b>Lossless</b>: <see cref="PushAsync"/> waits for room and <see cref="TryPush"/> refuses,
/// so every pushed frame is processed, in order.</para>
/// <para><b>Threads</b>: push from one thread (the capture loop) while the pipeline reads from another.
/// Frames may change size between pushes (each size gets its own pool).</para>
/// </remarks>
public sealed class PushedFrameSource : IFrameSource
{
    private readonly Channel<VideoFrame> _frames;
    private readonly double _framesPerSecond;
    private readonly long _start = Stopwatch.GetTimestamp();
    private FramePool? _pool;
    private long _next;

    /// <param name="live">Drop the oldest frame when full (a camera) instead of waiting (a file).</param>
    /// <param name="framesPerSecond">The capture's frame rate, for timestamps (<c>index / rate</c>) and outputs; 0 = unknown
    /// (timestamps are the time since the source was created).</param>
    /// <param name="capacity">Frames held before a live push drops the oldest or a lossless push waits.</param>
    public PushedFrameSource(bool live = true, double framesPerSecond = 0, int capacity = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(framesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        IsLive = live;
        _framesPerSecond = framesPerSecond;
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = live ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        };
        _frames = Channel.CreateBounded<VideoFrame>(options, static dropped => dropped.Dispose());
    }

    public string Description => "pushed frames";

    public bool IsLive { get; }

    public double FramesPerSecond => _framesPerSecond;

    public long? FrameCount => null;

    public FrameSourceKind Kind => FrameSourceKind.Pushed;

    /// <summary>Copies the image into the source; false when a lossless source is full or the source is complete.</summary>
    /// <param name="image">8-bit BGR, BGRA or grey, continuous or not; it stays the caller's.</param>
    /// <param name="timestamp">The frame's time in the capture; null = from the frame rate or the clock.</param>
    /// <exception cref="ArgumentException">The image is empty, not 8-bit, or has another channel count.</exception>
    public bool TryPush(Mat image, TimeSpan? timestamp = null)
    {
        var frame = Copy(image, timestamp);
        if (_frames.Writer.TryWrite(frame))
        {
            return true;
        }

        frame.Dispose();
        return false;
    }

    /// <summary>Copies the image into the source, waiting for room when a lossless source is full.</summary>
    /// <exception cref="ChannelClosedException">The source was completed.</exception>
    public async ValueTask PushAsync(Mat image, TimeSpan? timestamp = null, CancellationToken cancellationToken = default)
    {
        var frame = Copy(image, timestamp);
        try
        {
            await _frames.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    /// <summary>Ends the stream: the pipeline processes the frames already pushed, then completes.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (await _frames.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_frames.Reader.TryRead(out var frame))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>Nothing to reopen: the application owns the capture.</summary>
    public ValueTask ReopenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Completes the source and disposes the frames not yet read.</summary>
    public ValueTask DisposeAsync()
    {
        Complete();
        while (_frames.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private unsafe VideoFrame Copy(Mat image, TimeSpan? timestamp)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Empty() || image.Dims > 2 || image.Depth() != MatType.CV_8U || image.Channels() is not (1 or 3 or 4))
        {
            throw new ArgumentException($"The image must be a non-empty 8-bit BGR, BGRA or grey Mat, not {image.Type()} {image.Cols}x{image.Rows}.", nameof(image));
        }

        if (_pool is null || _pool.Width != image.Cols || _pool.Height != image.Rows)
        {
            _pool = new FramePool(image.Cols, image.Rows);
        }

        var frame = _pool.Rent();
        try
        {
            fixed (byte* pixels = frame.Pixels)
            {
                // The frame's buffer is pinned; the header only lends it to OpenCV for this copy.
                using var destination = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, (nint)pixels, frame.Stride);
                switch (image.Channels())
                {
                    case 3:
                        image.CopyTo(destination);
                        break;
                    case 4:
                        Cv2.CvtColor(image, destination, ColorConversionCodes.BGRA2BGR);
                        break;
                    default:
                        Cv2.CvtColor(image, destination, ColorConversionCodes.GRAY2BGR);
                        break;
                }
            }

            var index = _next++;
            frame.MarkCaptured();
            frame.SequenceNumber = index;
            frame.SourceTimestamp = timestamp
                ?? (_framesPerSecond > 0 ? TimeSpan.FromSeconds(index / _framesPerSecond) : Stopwatch.GetElapsedTime(_start));
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
