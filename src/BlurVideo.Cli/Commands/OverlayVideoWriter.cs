using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// Writes the overlay video by piping BGR frames into an <c>ffmpeg</c> process: <c>.avi</c> as Motion JPEG, anything
/// else as MPEG-4 part 2 (mp4v), or H.264 4:4:4 when the frame has an odd width or height (4:2:0 codecs need even
/// sizes and would crop the frame). MP4 and MOV are written fragmented (a keyframe and a fragment per second of video,
/// each written out as soon as it is complete), so a file cut off by a hard kill or a crash plays up to its last
/// fragment.
/// </summary>
/// <remarks>
/// ffmpeg runs in its own session (<c>setsid</c>), so the terminal's Ctrl+C and hang-up reach only this process,
/// which then closes the pipe and lets ffmpeg finish the file; if this process is killed, ffmpeg sees the pipe close
/// and finishes it too. ffmpeg exits 0 even when closing the file fails (a full disk), so every line it logs at the
/// error level counts as a failure: <see cref="Complete"/> reports it instead of dropping it.
/// </remarks>
internal sealed class OverlayVideoWriter : IDisposable
{
    private const int MaxErrorLines = 8;
    private readonly Process _ffmpeg;
    private readonly Stream _frames;
    private readonly List<string> _errors = [];
    private bool _closed;

    /// <exception cref="VideoJobException">ffmpeg is not installed or cannot be started.</exception>
    public OverlayVideoWriter(string path, double framesPerSecond, int width, int height)
    {
        Path = path;
        Width = width;
        Height = height;
        var start = new ProcessStartInfo
        {
            FileName = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : FindFfmpeg(),
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (start.FileName == "/usr/bin/setsid")
        {
            start.ArgumentList.Add(FindFfmpeg());
        }

        foreach (var argument in Arguments(path, framesPerSecond, width, height))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _ffmpeg = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception ex)
        {
            throw new VideoJobException($"Cannot write the video '{path}': ffmpeg cannot be started ({ex.Message}).", ex);
        }

        _ffmpeg.ErrorDataReceived += (_, line) =>
        {
            if (!string.IsNullOrWhiteSpace(line.Data))
            {
                lock (_errors)
                {
                    if (_errors.Count < MaxErrorLines)
                    {
                        _errors.Add(line.Data.Trim());
                    }
                }
            }
        };
        _ffmpeg.BeginErrorReadLine();
        _frames = _ffmpeg.StandardInput.BaseStream;
    }

    public string Path { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames handed to ffmpeg; all of them are in the file once <see cref="Complete"/> has returned.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Appends a BGR8 frame whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="VideoJobException">ffmpeg stopped (e.g. the disk is full); the message is its own.</exception>
    public void WriteFrame(ReadOnlySpan<byte> bgr, int stride)
    {
        var row = Width * 3;
        try
        {
            if (stride == row)
            {
                _frames.Write(bgr[..(row * Height)]);
            }
            else
            {
                for (var y = 0; y < Height; y++)
                {
                    _frames.Write(bgr.Slice(y * stride, row));
                }
            }
        }
        catch (IOException ex)
        {
            throw Failure(ex);
        }

        FramesWritten++;
    }

    /// <summary>Closes the pipe and waits for ffmpeg to finish the file.</summary>
    /// <exception cref="VideoJobException">ffmpeg failed or logged an error: the file is incomplete.</exception>
    public void Complete()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            _frames.Dispose();
        }
        catch (IOException)
        {
            // ffmpeg is gone already; its exit code and messages tell why.
        }

        _closed = true;
        _ffmpeg.WaitForExit();
        if (_ffmpeg.ExitCode != 0 || ErrorLine() is not null)
        {
            throw Failure(null);
        }
    }

    public void Dispose()
    {
        if (!_closed)
        {
            try
            {
                Complete();
            }
            catch (VideoJobException)
            {
                // Disposing after a failure: the failure was reported where it happened.
            }
        }

        _ffmpeg.Dispose();
    }

    private static IEnumerable<string> Arguments(string path, double framesPerSecond, int width, int height)
    {
        var rate = framesPerSecond.ToString("R", CultureInfo.InvariantCulture);
        var gop = Math.Max(1, (int)Math.Round(framesPerSecond)).ToString(CultureInfo.InvariantCulture);
        var odd = width % 2 != 0 || height % 2 != 0;
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        string[] input =
        [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-xerror",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"),
            "-framerate", rate, "-i", "pipe:0", "-an", "-g", gop,
        ];
        string[] codec = extension == ".avi"
            ? ["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"]
            : odd
                ? ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv444p"]
                : ["-c:v", "mpeg4", "-q:v", "4", "-pix_fmt", "yuv420p"];
        string[] container = extension is ".mp4" or ".mov" or ".m4v"
            ? ["-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-flush_packets", "1"]
            : [];
        return [.. input, .. codec, .. container, "-y", path];
    }

    private static string FindFfmpeg()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new VideoJobException("The overlay video is written with ffmpeg, which is not on PATH (Debian: apt-get install ffmpeg).");
    }

    private VideoJobException Failure(Exception? cause)
    {
        _closed = true;
        try
        {
            _frames.Dispose();
        }
        catch (IOException)
        {
            // The pipe is broken: ffmpeg has exited.
        }

        _ffmpeg.WaitForExit();
        var reason = ErrorLine() ?? string.Create(CultureInfo.InvariantCulture, $"ffmpeg exited with code {_ffmpeg.ExitCode}");
        var message = $"Writing the video '{Path}' failed: {reason}; the file is incomplete ({FramesWritten} frames were sent to ffmpeg).";
        return cause is null ? new VideoJobException(message) : new VideoJobException(message, cause);
    }

    private string? ErrorLine()
    {
        lock (_errors)
        {
            // The last line is ffmpeg's conclusion ("Error closing file ...: No space left on device").
            return _errors.Count == 0 ? null : _errors[^1];
        }
    }
}
