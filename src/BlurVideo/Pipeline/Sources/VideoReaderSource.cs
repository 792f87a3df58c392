using BlurVideo.Imaging;
using BlurVideo.Native;

namespace BlurVideo.Pipeline.Sources;

/// <summary>
/// Frames from a video file, a camera (V4L2 index or device path), a network stream (rtsp, http, udp,
/// tcp, … through FFmpeg) or a printf-style image sequence (<c>frames/%04d.png</c>), read by the native
/// shim straight into pooled frames.
/// </summary>
/// <remarks>
/// <para>Reads block in native code until a frame is available (live sources: up to the read timeout).
/// A file's undecodable frames (a damaged middle) are skipped and counted in <see cref="FramesSkipped"/>: each
/// failed read before the announced frame count is one frame, and reading goes on where FFmpeg resynchronises.
/// Files that end earlier than their container announces (a truncated or damaged file) end with a
/// <see cref="FrameSourceException"/> after the intact frames, so damage is never mistaken for the end.</para>
/// <para>Owns its native handle until <see cref="DisposeAsync"/>; <see cref="ReopenAsync"/> replaces it.</para>
/// </remarks>
public sealed class VideoReaderSource : IFrameSource
{
    private readonly string _uri;
    private readonly VideoReaderOptions? _options;
    private VideoReader? _reader;
    private FramePool _pool;
    private long _delivered;
    private long _deliveredSinceOpen;
    private bool _ended;

    /// <summary>Opens the source.</summary>
    /// <param name="uri">A file path, a camera index or <c>/dev/video*</c> path, a URL, or a pattern containing <c>%</c>.</param>
    /// <param name="options">Stream timeouts and camera capture settings.</param>
    /// <exception cref="FrameSourceException">The source cannot be opened (missing, unreachable, undecodable).</exception>
    public VideoReaderSource(string uri, VideoReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        _uri = uri;
        _options = options;
        _reader = Open();
        _pool = new FramePool(_reader.Width, _reader.Height);
    }

    public string Description => _uri;

    public bool IsLive => Reader.IsLive;

    public double FramesPerSecond => Reader.FramesPerSecond;

    /// <summary>What the source string was recognised as.</summary>
    public FrameSourceKind Kind => Reader.Kind switch
    {
        VideoSourceKind.Camera => FrameSourceKind.Camera,
        VideoSourceKind.Network => FrameSourceKind.Network,
        VideoSourceKind.ImageSequence => FrameSourceKind.ImageSequence,
        _ => FrameSourceKind.File,
    };

    public int Width => Reader.Width;

    public int Height => Reader.Height;

    /// <summary>Frames announced by the container; null for live sources or when unknown.</summary>
    public long? FrameCount => Reader.FrameCount;

    /// <summary>Frames of a file that could not be decoded and were skipped (their indexes are not delivered).</summary>
    public long FramesSkipped { get; private set; }

    /// <summary>The pool of the current frame size (its <see cref="FramePool.Outstanding"/> count shows leaks).</summary>
    internal FramePool Pool => _pool;

    private VideoReader Reader => _reader ?? throw new ObjectDisposedException(nameof(VideoReaderSource));

    public ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reader = Reader;
        if (_ended)
        {
            return ValueTask.FromResult<VideoFrame?>(null);
        }

        var frame = _pool.Rent();
        try
        {
            VideoFrameInfo info;
            long failedReads = 0;
            while (!reader.TryReadFrame(frame.Pixels, frame.Stride, out info))
            {
                failedReads++;
                if (!MayBeDamage(reader, failedReads))
                {
                    frame.Dispose();
                    _ended = true;
                    ThrowIfTruncated(reader);
                    return ValueTask.FromResult<VideoFrame?>(null);
                }
            }

            // Failed reads followed by a frame were undecodable frames, not the end.
            FramesSkipped += failedReads;
            frame.MarkCaptured();
            frame.SequenceNumber = _delivered + FramesSkipped;
            _delivered++;
            frame.SourceTimestamp = info.Timestamp;
            _deliveredSinceOpen++;
            return ValueTask.FromResult<VideoFrame?>(frame);
        }
        catch (BlurVideoNativeException ex)
        {
            frame.Dispose();
            throw new FrameSourceException($"Reading '{_uri}' failed after {_delivered} frames: {ex.Message}", ex)
            {
                SourceDescription = _uri,
                FramesDelivered = _delivered,
            };
        }
    }

    public ValueTask ReopenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _reader?.Dispose();
        _reader = null;
        _reader = Open();
        _ended = false;
        _deliveredSinceOpen = 0;
        if (_reader.Width != _pool.Width || _reader.Height != _pool.Height)
        {
            _pool = new FramePool(_reader.Width, _reader.Height);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _reader = null;
        return ValueTask.CompletedTask;
    }

    private VideoReader Open()
    {
        try
        {
            return new VideoReader(_uri, _options?.ToNative() ?? default);
        }
        catch (BlurVideoNativeException ex)
        {
            throw new FrameSourceException($"Cannot open '{_uri}': {ex.Message}", ex) { SourceDescription = _uri, FramesDelivered = _delivered };
        }
    }

    /// <summary>Whether a failed read may be an undecodable frame rather than the end: frames are still due.</summary>
    private bool MayBeDamage(VideoReader reader, long failedReads) =>
        !reader.IsLive && reader.Kind == VideoSourceKind.File && reader.FrameCount is { } announced
        && _deliveredSinceOpen + FramesSkipped + failedReads < announced;

    private void ThrowIfTruncated(VideoReader reader)
    {
        // Containers announce their frame count; a few frames of slack absorb estimates from the duration.
        if (reader.IsLive || reader.Kind != VideoSourceKind.File || reader.FrameCount is not { } announced)
        {
            return;
        }

        var slack = Math.Max(2, announced / 50);
        if (_deliveredSinceOpen + FramesSkipped < announced - slack)
        {
            throw new FrameSourceException(
                $"'{_uri}' ended after {_deliveredSinceOpen} of the {announced} frames its container announces: the file is truncated or damaged.")
            {
                SourceDescription = _uri,
                FramesDelivered = _delivered,
            };
        }
    }
}
