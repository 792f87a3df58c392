using System.Globalization;
using BlurVideo.Cli.Metadata;
using BlurVideo.Focus;
using BlurVideo.Imaging;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// The per-frame outputs of a run: the overlay video, the CSV (with the focus score of the centre region) and the
/// maps. Buffers (overlay frame, resized map, CSV line) are allocated for the first frame and
/// reused, so that writing a frame allocates nothing managed apart from the map file's name.
/// </summary>
/// <remarks>
/// Every output is opened (or probed, for the statistics JSON written at the end) before the first frame, so an
/// unwritable path fails the run before any work. What survives a stop: the CSV is flushed after every row, a map
/// is written under a temporary name and renamed, and the video is fragmented (<see cref="OverlayVideoWriter"/>).
/// </remarks>
internal sealed class VideoJobOutputs : IDisposable
{
    private const string CsvHeader = "index,timestamp_ms,blurred_fraction,focus_score,latency_ms,stale,input_width,input_height";

    // A map is written under this name, then renamed: a stop never leaves a torn PNG under a frame's name.
    private const string PartialMapName = ".partial.png";
    private readonly VideoJobSettings _settings;
    private readonly double _framesPerSecond;
    private readonly OverlayComposer _composer = new();
    private readonly FocusAssist? _zones;
    private readonly StreamWriter? _csv;
    private readonly FrameMetadataWriter? _metadata;
    private readonly char[] _line = new char[160];
    private readonly FocusStateTracker _focus = new();
    private OverlayVideoWriter? _video;
    private readonly string? _partialMap;
    private byte[] _overlay = [];
    private float[] _frameMap = [];
    private double _blurredFractionSum;
    private int _width;
    private int _height;
    private long _frames;

    public VideoJobOutputs(VideoJobSettings settings, double framesPerSecond)
    {
        _settings = settings;
        _framesPerSecond = framesPerSecond;
        _zones = settings.Overlay.ZoneGrid ? new FocusAssist() : null;
        try
        {
            if (settings.StatsJsonPath is not null)
            {
                ProbeWritable(settings.StatsJsonPath);
            }

            if (settings.CsvPath is not null)
            {
                VideoJob.CreateParentDirectory(settings.CsvPath);
                _csv = new StreamWriter(settings.CsvPath, append: false) { AutoFlush = true };
                _csv.WriteLine(CsvHeader);
            }

            if (settings.FrameMetadataPath is not null)
            {
                VideoJob.CreateParentDirectory(settings.FrameMetadataPath);
                _metadata = new FrameMetadataWriter(settings.FrameMetadataPath);
            }

            if (settings.MapsDirectory is not null)
            {
                Directory.CreateDirectory(settings.MapsDirectory);
                _partialMap = Path.Combine(settings.MapsDirectory, PartialMapName);
            }

            // Created now to fail early; ffmpeg writes it from the first frame (its size), or it is removed after a run without frames.
            if (settings.OutputVideo is not null)
            {
                VideoJob.CreateParentDirectory(settings.OutputVideo);
                File.Create(settings.OutputVideo).Dispose();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _composer.Dispose();
            _csv?.Dispose();
            _metadata?.Dispose();
            throw new VideoJobException($"Cannot write the outputs: {ex.Message}", ex);
        }
    }

    /// <summary>Frames in the finished overlay video (0 without one); null when writing it failed (then it holds an unknown part).</summary>
    public long? FramesWritten => VideoError is null ? _video?.FramesWritten ?? 0 : null;

    /// <summary>Why the overlay video is incomplete; null when it is fine.</summary>
    public string? VideoError { get; private set; }

    /// <summary>Frames handed to every output.</summary>
    public long Frames => _frames;

    public double MeanBlurredFraction => _frames == 0 ? 0 : _blurredFractionSum / _frames;

    public void Write(BlurResult result)
    {
        var frame = result.Frame;
        var map = result.Map;
        EnsureBuffers(frame.Width, frame.Height);
        var blurredFraction = map.BlurredFraction();
        _blurredFractionSum += blurredFraction;
        _frames++;

        if (_video is not null)
        {
            frame.Pixels.CopyTo(_overlay);
            _zones?.Update(result);
            _composer.Compose(_overlay, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height,
                _zones is null ? default : _zones.ZoneScores, _zones?.Options.GridColumns ?? 0, _settings.Overlay);

            try
            {
                _video.WriteFrame(_overlay, frame.Stride);
            }
            catch (VideoJobException ex)
            {
                VideoError = ex.Message;
                throw;
            }
        }

        if (_partialMap is not null)
        {
            map.ResizeTo(_frameMap, frame.Width, frame.Height);
            var name = Path.Combine(_settings.MapsDirectory!, result.SequenceNumber.ToString("D6", CultureInfo.InvariantCulture) + ".png");
            ImageFile.WriteMap(_partialMap, _frameMap.AsSpan(0, frame.Width * frame.Height), frame.Width, frame.Height);
            File.Move(_partialMap, name, overwrite: true);
        }

        if (_csv is not null)
        {
            _focus.Update(map);
            var focusScore = 1f - _focus.RegionBlur;
            _line.AsSpan().TryWrite(
                CultureInfo.InvariantCulture,
                $"{result.SequenceNumber},{result.SourceTimestamp.TotalMilliseconds:F1},{blurredFraction:F4},{focusScore:F4},{result.Age.TotalMilliseconds:F2},{(result.Stale ? 1 : 0)},{result.InputWidth},{result.InputHeight}",
                out var length);
            _csv.WriteLine(_line.AsSpan(0, length));
        }

        _metadata?.Write(result, blurredFraction);
    }

    /// <summary>
    /// Finishes the video file and the frame metadata and flushes the CSV. A video that could not be finished is
    /// recorded in <see cref="VideoError"/> (and thrown by <see cref="ThrowIfVideoFailed"/>); an empty run leaves no
    /// video file.
    /// </summary>
    public void Complete()
    {
        try
        {
            _video?.Complete();
        }
        catch (VideoJobException ex)
        {
            VideoError ??= ex.Message;
        }

        if (_video is null && _settings.OutputVideo is not null)
        {
            File.Delete(_settings.OutputVideo);
        }

        if (_partialMap is not null)
        {
            File.Delete(_partialMap);
        }

        _metadata?.Dispose();
        _csv?.Flush();
    }

    /// <exception cref="VideoJobException">The overlay video is incomplete.</exception>
    public void ThrowIfVideoFailed()
    {
        if (VideoError is not null)
        {
            throw new VideoJobException(VideoError);
        }
    }

    public void Dispose()
    {
        _video?.Dispose();
        _metadata?.Dispose();
        _csv?.Dispose();
        _composer.Dispose();
    }

    /// <summary>Fails now if <paramref name="path"/> cannot be written at the end; leaves no new file behind.</summary>
    private static void ProbeWritable(string path)
    {
        VideoJob.CreateParentDirectory(path);
        var existed = File.Exists(path);
        using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        {
        }

        if (!existed)
        {
            File.Delete(path);
        }
    }

    private void EnsureBuffers(int width, int height)
    {
        if (_width != 0)
        {
            if (_width != width || _height != height)
            {
                throw new VideoJobException(
                    $"The source changed its frame size from {_width}x{_height} to {width}x{height}; one video cannot hold both.");
            }

            return;
        }

        _width = width;
        _height = height;
        if (_settings.OutputVideo is not null)
        {
            _video = new OverlayVideoWriter(_settings.OutputVideo, _framesPerSecond, width, height);
            _overlay = GC.AllocateUninitializedArray<byte>(width * height * 3, pinned: true);
        }

        if (_settings.MapsDirectory is not null)
        {
            _frameMap = new float[width * height];
        }
    }
}
