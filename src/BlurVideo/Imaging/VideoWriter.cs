using System.Globalization;
using OpenCvSharp;
using CvVideoWriter = OpenCvSharp.VideoWriter;

namespace BlurVideo.Imaging;

/// <summary>Writes BGR8 frames to a video file through OpenCvSharp (its OpenCV's FFmpeg backend).</summary>
/// <remarks>
/// <para><b>Lifetime.</b> The writer owns one OpenCV writer from construction until <see cref="Dispose"/>,
/// which finishes the file (writes the container trailer). A file that was not disposed is incomplete.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time.</para>
/// <para><b>Allocation.</b> Writing a frame allocates one <see cref="Mat"/> header over the caller's buffer.</para>
/// </remarks>
internal sealed class VideoWriter : IDisposable
{
    /// <summary>The smallest side FFmpeg's encoders (mp4v, MJPG) accept.</summary>
    private const int MinimumSide = 2;

    private readonly CvVideoWriter _writer;
    private long _framesWritten;

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

        if (fourCC.Length != 4)
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, $"fourcc '{fourCC}' is not four characters");
        }

        if (!(framesPerSecond > 0) || !double.IsFinite(framesPerSecond))
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, "fps must be positive");
        }

        if (width <= 0 || height <= 0)
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, "frame size must be positive");
        }

        OpenCvIo.RequireParentDirectory(path);
        _writer = OpenCvIo.Call($"cannot create video '{path}'", () => new CvVideoWriter(
            path, VideoCaptureAPIs.FFMPEG, FourCC.FromString(fourCC), framesPerSecond, new Size(width, height), isColor: true));
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            // FFmpeg reports every failure to open alike; name the file system's reason when there is one.
            throw new BlurVideoNativeException(NativeStatus.IOError, WhyNotWritable(path) is { } reason
                ? $"Cannot create video '{path}': {reason}"
                : $"cannot create video '{path}' with codec '{fourCC}' (FFmpeg has no such encoder or the container does not accept it)");
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
            ObjectDisposedException.ThrowIf(_writer.IsDisposed, this);
            return _framesWritten;
        }
    }

    /// <summary>Appends a tightly packed BGR8 frame of <c>Width * Height * 3</c> bytes.</summary>
    public void WriteFrame(ReadOnlySpan<byte> bgr) => WriteFrame(bgr, Width * 3);

    /// <summary>Appends a BGR8 frame whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="BlurVideoNativeException">The buffer does not hold a frame of the writer's size.</exception>
    public unsafe void WriteFrame(ReadOnlySpan<byte> bgr, int stride)
    {
        ObjectDisposedException.ThrowIf(_writer.IsDisposed, this);
        OpenCvIo.RequireBuffer("frame", bgr.Length, Width, Height, stride, Width * 3);
        fixed (byte* pixels = bgr)
        {
            using var frame = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, (nint)pixels, stride);
            _writer.Write(frame);
        }

        _framesWritten++;
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

    /// <summary>Finishes the file and releases the OpenCV writer. Calling it again is a no-op.</summary>
    public void Dispose()
    {
        if (!_writer.IsDisposed)
        {
            _writer.Release();
            _writer.Dispose();
        }
    }
}
