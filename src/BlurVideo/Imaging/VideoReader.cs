using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// Reads BGR8 frames from a video file, a camera, a network stream or an image sequence through the
/// native OpenCV shim (FFmpeg and V4L2 backends), into buffers the caller provides.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> The reader owns one native capture handle from construction until
/// <see cref="Dispose"/>, which closes the file, camera or connection. Members throw
/// <see cref="ObjectDisposedException"/> afterwards.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time; separate instances are independent.
/// <see cref="Dispose"/> may be called from another thread while a read is blocked (e.g. on a camera): the
/// native source is closed as soon as that read returns.</para>
/// <para><b>Allocation.</b> Reading a frame allocates nothing: the frame is decoded straight into the
/// caller's buffer.</para>
/// </remarks>
internal sealed class VideoReader : IDisposable
{
    private readonly VideoSourceHandle _handle;

    /// <summary>Opens a video source.</summary>
    /// <param name="source">
    /// A camera index (<c>"0"</c>), a device path (<c>"/dev/video0"</c>), a URL (<c>rtsp://</c>, <c>rtsps://</c>,
    /// <c>rtmp://</c>, <c>http(s)://</c>, <c>udp://</c>, <c>tcp://</c>), an image sequence pattern containing
    /// <c>%</c> (<c>"frames/%04d.png"</c>), or a video file path.
    /// </param>
    /// <param name="settings">Timeouts for streams and capture settings for cameras; default = the backend's.</param>
    /// <exception cref="BlurVideoNativeException">
    /// The source cannot be opened: <see cref="NativeStatus.NotFound"/> for a missing file, camera or stream,
    /// <see cref="NativeStatus.IOError"/> for a file FFmpeg cannot decode, <see cref="NativeStatus.InvalidArgument"/>
    /// for an unsupported URL scheme or a directory.
    /// </exception>
    public unsafe VideoReader(string source, NativeMethods.SourceOptions settings = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        NativeShim.EnsureLoaded();
        NativeError.ThrowIfFailed(NativeMethods.bv_video_source_open(source, &settings, out _handle));
        NativeMethods.VideoInfo info;
        try
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_video_source_get_info(_handle, out info));
        }
        catch
        {
            _handle.Dispose();
            throw;
        }

        Source = source;
        Width = info.Width;
        Height = info.Height;
        FramesPerSecond = info.Fps;
        FrameCount = info.FrameCount >= 0 ? info.FrameCount : null;
        Kind = (VideoSourceKind)info.Kind;
        IsLive = info.IsLive != 0;
    }

    /// <summary>The source string the reader was opened with.</summary>
    public string Source { get; }

    /// <summary>Width of every frame in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of every frame in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per row of a tightly packed frame buffer: <c>Width * 3</c>.</summary>
    public int PackedStride => Width * 3;

    /// <summary>Bytes of a tightly packed BGR8 frame: <c>Width * Height * 3</c>.</summary>
    public int FrameSizeInBytes => PackedStride * Height;

    /// <summary>Frame rate announced by the source; 0 if unknown.</summary>
    public double FramesPerSecond { get; }

    /// <summary>Number of frames announced by the container; null for live sources or when unknown.</summary>
    public long? FrameCount { get; }

    /// <summary>What the source string was recognised as.</summary>
    public VideoSourceKind Kind { get; }

    /// <summary>True for cameras and network streams.</summary>
    public bool IsLive { get; }

    /// <summary>Index of the next frame <see cref="TryReadFrame(Span{byte}, out VideoFrameInfo)"/> will deliver.</summary>
    public long NextFrameIndex
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            NativeError.ThrowIfFailed(NativeMethods.bv_video_source_get_position(_handle, out var next, out _));
            return next;
        }
    }

    /// <summary>Reads the next frame into a tightly packed BGR8 buffer of <see cref="FrameSizeInBytes"/> bytes.</summary>
    /// <returns>False at the end of a file or image sequence (also after a truncated file's last intact frame).</returns>
    /// <exception cref="BlurVideoNativeException">
    /// The buffer is too small (<see cref="NativeStatus.InvalidArgument"/>), a live source stopped delivering
    /// frames or a frame could not be decoded (<see cref="NativeStatus.IOError"/>).
    /// </exception>
    public bool TryReadFrame(Span<byte> bgr, out VideoFrameInfo frame) => TryReadFrame(bgr, PackedStride, out frame);

    /// <summary>Reads the next frame into a BGR8 buffer whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <inheritdoc cref="TryReadFrame(Span{byte}, out VideoFrameInfo)"/>
    public unsafe bool TryReadFrame(Span<byte> bgr, int stride, out VideoFrameInfo frame)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        int status;
        NativeMethods.FrameInfo info;
        fixed (byte* pixels = bgr)
        {
            status = NativeMethods.bv_video_source_read(_handle, pixels, bgr.Length, Width, Height, stride, out info);
        }

        if (!NativeError.ThrowIfFailedExceptEndOfStream(status))
        {
            frame = default;
            return false;
        }

        frame = new VideoFrameInfo(info.Index, TimeSpan.FromMilliseconds(info.TimestampMs));
        return true;
    }

    /// <summary>Closes the source. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
