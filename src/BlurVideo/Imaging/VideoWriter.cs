using System.Globalization;
using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>Writes BGR8 frames to a video file through the native OpenCV shim (FFmpeg backend).</summary>
/// <remarks>
/// <para><b>Lifetime.</b> The writer owns one native handle from construction until <see cref="Dispose"/>,
/// which finishes the file (writes the container trailer). A file that was not disposed is incomplete.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time.</para>
/// <para><b>Allocation.</b> Writing a frame allocates nothing managed.</para>
/// </remarks>
internal sealed class VideoWriter : IDisposable
{
    /// <summary>The smallest side FFmpeg's encoders (mp4v, MJPG) accept.</summary>
    private const int MinimumSide = 2;

    private readonly VideoWriterHandle _handle;

    /// <summary>Creates (or overwrites) a video file.</summary>
    /// <param name="path">The file; its directory must exist.</param>
    /// <param name="fourCC">
    /// Four-character codec code: <c>"mp4v"</c> for .mp4 (MPEG-4 part 2), <c>"MJPG"</c> for .avi (Motion JPEG),
    /// or any other code the installed FFmpeg can encode into the container.
    /// </param>
    /// <param name="framesPerSecond">Frame rate stored in the file (&gt; 0).</param>
    /// <param name="width">Width of every frame in pixels.</param>
    /// <param name="height">Height of every frame in pixels.</param>
    /// <exception cref="BlurVideoNativeException">
    /// <see cref="NativeStatus.NotFound"/> when the directory does not exist, <see cref="NativeStatus.IOError"/>
    /// when the file cannot be written (the message names the reason: a directory, no permission) or FFmpeg cannot
    /// create it with that codec, <see cref="NativeStatus.InvalidArgument"/> for bad values, a side under 2 pixels included.
    /// </exception>
    public VideoWriter(string path, string fourCC, double framesPerSecond, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(fourCC);
        if (width is > 0 and < MinimumSide || height is > 0 and < MinimumSide)
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                $"Cannot create video '{path}': FFmpeg's encoders need frames of at least {MinimumSide}x{MinimumSide} pixels, not {width}x{height}."));
        }

        NativeShim.EnsureLoaded();
        try
        {
            NativeError.ThrowIfFailed(
                NativeMethods.bv_video_writer_open(path, fourCC, framesPerSecond, width, height, out _handle));
        }
        catch (BlurVideoNativeException ex) when (ex.Status == NativeStatus.IOError && WhyNotWritable(path) is { } reason)
        {
            // FFmpeg reports every failure to open as one status; the shim's message then blames the codec.
            throw new BlurVideoNativeException(NativeStatus.IOError, $"Cannot create video '{path}': {reason}");
        }
        Path = path;
        Width = width;
        Height = height;
        FramesPerSecond = framesPerSecond;
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Width of every frame in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of every frame in pixels.</summary>
    public int Height { get; }

    /// <summary>The frame rate stored in the file.</summary>
    public double FramesPerSecond { get; }

    /// <summary>Number of frames written so far.</summary>
    public long FramesWritten
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            NativeError.ThrowIfFailed(NativeMethods.bv_video_writer_get_frame_count(_handle, out var frames));
            return frames;
        }
    }

    /// <summary>Appends a tightly packed BGR8 frame of <c>Width * Height * 3</c> bytes.</summary>
    public void WriteFrame(ReadOnlySpan<byte> bgr) => WriteFrame(bgr, Width * 3);

    /// <summary>Appends a BGR8 frame whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="BlurVideoNativeException">The buffer does not hold a frame of the writer's size.</exception>
    public unsafe void WriteFrame(ReadOnlySpan<byte> bgr, int stride)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* pixels = bgr)
        {
            NativeError.ThrowIfFailed(
                NativeMethods.bv_video_writer_write(_handle, pixels, bgr.Length, Width, Height, stride));
        }
    }

    /// <summary>Why <paramref name="path"/> cannot be written (a directory, no permission, a read-only file system), or null when it can.</summary>
    private static string? WhyNotWritable(string path)
    {
        if (Directory.Exists(path))
        {
            return "it is a directory.";
        }

        var existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }

            if (!existed)
            {
                File.Delete(path);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>Finishes the file and releases the native writer. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
