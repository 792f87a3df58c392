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
internal sealed class VideoJobOutputs : IDisposable
{
    private const string CsvHeader = "index,timestamp_ms,blurred_fraction,focus_score,latency_ms,stale";
    private readonly VideoJobSettings _settings;
    private readonly double _framesPerSecond;
    private readonly OverlayComposer _composer = new();
    private readonly FocusAssist? _zones;
    private readonly StreamWriter? _csv;
    private readonly FrameMetadataWriter? _metadata;
    private readonly char[] _line = new char[160];
    private readonly FocusStateTracker _focus = new();
    private VideoWriter? _video;
    private byte[] _overlay = [];
    private float[] _frameMap = [];
    private double _blurredFractionSum;
    private long _frames;

    public VideoJobOutputs(VideoJobSettings settings, double framesPerSecond)
    {
        _settings = settings;
        _framesPerSecond = framesPerSecond;
        _zones = settings.Overlay.ZoneGrid ? new FocusAssist() : null;
        try
        {
            VideoJob.CreateParentDirectory(settings.OutputVideo);
            if (settings.MapsDirectory is not null)
            {
                Directory.CreateDirectory(settings.MapsDirectory);
            }

            if (settings.CsvPath is not null)
            {
                VideoJob.CreateParentDirectory(settings.CsvPath);
                _csv = new StreamWriter(settings.CsvPath, append: false);
                _csv.WriteLine(CsvHeader);
            }

            if (settings.FrameMetadataPath is not null)
            {
                VideoJob.CreateParentDirectory(settings.FrameMetadataPath);
                _metadata = new FrameMetadataWriter(settings.FrameMetadataPath);
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

    public long FramesWritten { get; private set; }

    public double MeanBlurredFraction => _frames == 0 ? 0 : _blurredFractionSum / _frames;

    public void Write(BlurResult result)
    {
        var frame = result.Frame;
        var map = result.Map;
        EnsureBuffers(frame.Width, frame.Height);
        var blurredFraction = map.BlurredFraction();
        _blurredFractionSum += blurredFraction;
        _frames++;

        frame.Pixels.CopyTo(_overlay);
        _zones?.Update(result);
        _composer.Compose(_overlay, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height,
            _zones is null ? default : _zones.ZoneScores, _zones?.Options.GridColumns ?? 0, _settings.Overlay);

        _video!.WriteFrame(_overlay, frame.Stride);
        FramesWritten++;

        if (_settings.MapsDirectory is not null)
        {
            map.ResizeTo(_frameMap, frame.Width, frame.Height);
            var name = Path.Combine(_settings.MapsDirectory, result.SequenceNumber.ToString("D6", CultureInfo.InvariantCulture) + ".png");
            ImageFile.WriteMap(name, _frameMap.AsSpan(0, frame.Width * frame.Height), frame.Width, frame.Height);
        }

        if (_csv is not null)
        {
            _focus.Update(map);
            var focusScore = 1f - _focus.RegionBlur;
            _line.AsSpan().TryWrite(
                CultureInfo.InvariantCulture,
                $"{result.SequenceNumber},{result.SourceTimestamp.TotalMilliseconds:F1},{blurredFraction:F4},{focusScore:F4},{result.Age.TotalMilliseconds:F2},{(result.Stale ? 1 : 0)}",
                out var length);
            _csv.WriteLine(_line.AsSpan(0, length));
        }

        _metadata?.Write(result, blurredFraction);
    }

    /// <summary>Finishes the video file and the frame metadata and flushes the CSV.</summary>
    public void Complete()
    {
        _video?.Dispose();
        _metadata?.Dispose();
        _csv?.Flush();
    }

    public void Dispose()
    {
        _video?.Dispose();
        _metadata?.Dispose();
        _csv?.Dispose();
        _composer.Dispose();
    }

    private void EnsureBuffers(int width, int height)
    {
        if (_video is not null)
        {
            if (_video.Width != width || _video.Height != height)
            {
                throw new VideoJobException(
                    $"The source changed its frame size from {_video.Width}x{_video.Height} to {width}x{height}; one video cannot hold both.");
            }

            return;
        }

        var fourCC = Path.GetExtension(_settings.OutputVideo).Equals(".avi", StringComparison.OrdinalIgnoreCase) ? "MJPG" : "mp4v";
        try
        {
            _video = new VideoWriter(_settings.OutputVideo, fourCC, _framesPerSecond, width, height);
        }
        catch (BlurVideoNativeException ex)
        {
            throw new VideoJobException($"Cannot write the video '{_settings.OutputVideo}': {ex.Message}", ex);
        }

        _overlay = GC.AllocateUninitializedArray<byte>(width * height * 3, pinned: true);
        if (_settings.MapsDirectory is not null)
        {
            _frameMap = new float[width * height];
        }
    }
}
