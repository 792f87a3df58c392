using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Native;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;
using Spectre.Console;

namespace BlurVideo.Cli.Commands;

/// <summary>How the blur map is drawn on the output video.</summary>
internal enum OverlayKind
{
    /// <summary>A colour heatmap of the blur map blended over the frame.</summary>
    Heatmap,

    /// <summary>Focus peaking: the in-focus edges painted, as camera monitors do.</summary>
    Peaking,
}

/// <summary>What <see cref="VideoJob"/> runs: the <c>video</c> command's arguments (and the demo's fixed ones).</summary>
internal sealed record VideoJobSettings
{
    /// <summary>A file, a folder of images, a camera index or device, a URL, or <c>synthetic</c>.</summary>
    public required string Input { get; init; }

    /// <summary>The overlay video (.mp4 with mp4v, .avi with MJPG).</summary>
    public required string OutputVideo { get; init; }

    public OverlayKind Overlay { get; init; } = OverlayKind.Heatmap;

    public string? CsvPath { get; init; }

    public string? StatsJsonPath { get; init; }

    /// <summary>Every emitted frame's blur map as an 8-bit PNG at the frame's size (255 = blurred), named by frame index.</summary>
    public string? MapsDirectory { get; init; }

    public TemporalSmoothingOptions Smoothing { get; init; } = TemporalSmoothingOptions.Default;

    /// <summary>Live mode (drop frames to stay on time) even for a file.</summary>
    public bool Live { get; init; }

    /// <summary>Stop after this many emitted frames.</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Stop after this much time.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>A shipped model name or an .onnx path.</summary>
    public string Model { get; init; } = ModelCatalog.DefaultModelName;

    /// <summary>The size the network runs at (the card's by default: the real-time cost it was made for).</summary>
    public InputSizePolicy InputSize { get; init; } = InputSizePolicy.ModelCard;

    /// <summary>Where to run the network; an explicit <see cref="ExecutionProvider.Cuda"/> requires the GPU.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>The CUDA device ordinal.</summary>
    public int Device { get; init; }

    /// <summary>The scene of the <c>synthetic</c> input; null = its defaults.</summary>
    public SyntheticSceneOptions? SyntheticScene { get; init; }
}

/// <summary>The figures of a finished run.</summary>
internal sealed record VideoJobOutcome(
    PipelineStatisticsSnapshot Statistics,
    long FramesWritten,
    double MeanBlurredFraction,
    bool Interrupted,
    string ModelName);

/// <summary>A user-facing failure of a run (missing input, unopenable source, unusable output): one clear line.</summary>
internal sealed class VideoJobException : Exception
{
    public VideoJobException()
    {
    }

    public VideoJobException(string message)
        : base(message)
    {
    }

    public VideoJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Runs a source through the <see cref="BlurPipeline"/> and writes what was asked for: the overlay video,
/// the per-frame CSV, the blur maps and the statistics JSON. Shared by <c>video</c> and <c>demo</c>.
/// </summary>
internal static class VideoJob
{
    private const double FallbackFramesPerSecond = 25;

    /// <summary>Runs the job to the end of the source, the frame or time limit, or cancellation (Ctrl+C).</summary>
    /// <param name="settings">What to run and write.</param>
    /// <param name="output">Where plain progress lines go.</param>
    /// <param name="interactive">Show a Spectre progress bar on the console instead of plain lines.</param>
    /// <param name="cancellationToken">Ctrl+C: ends the run cleanly; the outputs and statistics are still written.</param>
    /// <exception cref="VideoJobException">Missing input, unopenable source, or unwritable output.</exception>
    /// <exception cref="ModelNotFoundException">Unknown model (the message lists the available ones).</exception>
    /// <exception cref="FrameSourceException">The source failed mid-way (the statistics are written first).</exception>
    public static async Task<VideoJobOutcome> RunAsync(
        VideoJobSettings settings, TextWriter output, bool interactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        RequireExistingInput(settings.Input);
        using var detector = new BlurDetector(DetectorOptions.Create(settings.Model, settings.InputSize, settings.Provider, settings.Device));
        DetectorOptions.ReportFallback(detector, output);
        var source = OpenSource(settings);
        var live = settings.Live || source.IsLive;
        var options = new BlurPipelineOptions
        {
            Latency = live ? LatencyPolicy.Live : LatencyPolicy.Lossless,
            Smoothing = settings.Smoothing,
        };
        await using var pipeline = new BlurPipeline(source, detector, options);
        var totalFrames = live ? null : Min(FrameCountOf(source), settings.MaxFrames);
        var framesPerSecond = source.FramesPerSecond > 0 ? source.FramesPerSecond : FallbackFramesPerSecond;

        using var outputs = new JobOutputs(settings, framesPerSecond);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Duration is { } duration)
        {
            limit.CancelAfter(duration);
        }

        PipelineStatisticsSnapshot? statistics = null;
        try
        {
            if (interactive)
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(
                        new TaskDescriptionColumn(),
                        new ProgressBarColumn(),
                        new PercentageColumn(),
                        new RemainingTimeColumn(),
                        new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("frames", maxValue: totalFrames ?? 1);
                        task.IsIndeterminate = totalFrames is null;
                        var progress = new ProgressReport((frames, fps) =>
                        {
                            task.Value = frames;
                            task.Description = totalFrames is null
                                ? $"{frames} frames, {fps:F1} fps"
                                : $"{frames}/{totalFrames} frames, {fps:F1} fps";
                        });
                        await ConsumeAsync(pipeline, outputs, settings.MaxFrames, progress, limit.Token).ConfigureAwait(false);
                        task.StopTask();
                    })
                    .ConfigureAwait(false);
            }
            else
            {
                var progress = new ProgressReport((frames, fps) =>
                    output.WriteLine(totalFrames is null
                        ? $"{frames} frames, {fps:F1} fps"
                        : $"{frames}/{totalFrames} frames, {fps:F1} fps"));
                await ConsumeAsync(pipeline, outputs, settings.MaxFrames, progress, limit.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            outputs.Complete();
            statistics = pipeline.Statistics.Snapshot();
            if (settings.StatsJsonPath is not null)
            {
                WriteStatistics(settings, detector, live, statistics, outputs, cancellationToken.IsCancellationRequested);
            }
        }

        return new VideoJobOutcome(
            statistics,
            outputs.FramesWritten,
            outputs.MeanBlurredFraction,
            cancellationToken.IsCancellationRequested,
            detector.Model.Name);
    }

    private static async Task ConsumeAsync(
        BlurPipeline pipeline, JobOutputs outputs, long? maxFrames, ProgressReport progress, CancellationToken cancellationToken)
    {
        long emitted = 0;
        try
        {
            await foreach (var result in pipeline.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                using (result)
                {
                    outputs.Write(result);
                }

                emitted++;
                progress.Frame(emitted, pipeline.Statistics.FramesPerSecond);
                if (emitted >= maxFrames)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or --duration: a clean end; what was emitted so far is written.
        }

        progress.Final(emitted, pipeline.Statistics.FramesPerSecond);
    }

    private static void RequireExistingInput(string input)
    {
        if (string.Equals(input, FrameSources.Synthetic, StringComparison.OrdinalIgnoreCase)
            || Directory.Exists(input)
            || File.Exists(input)
            || IsCamera(input)
            || input.Contains("://", StringComparison.Ordinal)
            || input.Contains('%', StringComparison.Ordinal))
        {
            return;
        }

        throw new VideoJobException($"Input file '{input}' not found.");
    }

    private static bool IsCamera(string input) =>
        input.StartsWith("/dev/video", StringComparison.Ordinal) || (input.Length > 0 && input.All(char.IsAsciiDigit));

    private static IFrameSource OpenSource(VideoJobSettings settings)
    {
        var synthetic = string.Equals(settings.Input, FrameSources.Synthetic, StringComparison.OrdinalIgnoreCase);
        try
        {
            // A lossless synthetic run ends by itself after --max-frames; a live one is paced and stopped by the limits.
            return FrameSources.Open(
                settings.Input,
                live: settings.Live,
                syntheticFrameCount: synthetic && !settings.Live ? settings.MaxFrames : null,
                syntheticScene: settings.SyntheticScene);
        }
        catch (FrameSourceException ex)
        {
            var kind = IsCamera(settings.Input) ? "camera" : settings.Input.Contains("://", StringComparison.Ordinal) ? "stream" : "input";
            throw new VideoJobException($"Cannot open {kind} '{settings.Input}': {ex.Message}", ex);
        }
    }

    private static long? FrameCountOf(IFrameSource source) => source switch
    {
        VideoReaderSource video => video.FrameCount,
        SyntheticFocusPullSource synthetic => synthetic.FrameCount,
        ImageFolderSource folder => folder.Files.Count,
        _ => null,
    };

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static void WriteStatistics(
        VideoJobSettings settings, BlurDetector detector, bool live, PipelineStatisticsSnapshot statistics, JobOutputs outputs, bool interrupted)
    {
        CreateParentDirectory(settings.StatsJsonPath!);
        using var stream = File.Create(settings.StatsJsonPath!);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("input", settings.Input);
        json.WriteString("mode", live ? "live" : "file");
        json.WriteString("model", detector.Model.Name);
        json.WriteString("provider", detector.ActiveProvider.ToString().ToLowerInvariant());
        json.WriteString("provider_requested", settings.Provider.ToString().ToLowerInvariant());
        if (detector.ProviderFallbackReason is { } reason)
        {
            json.WriteString("provider_fallback_reason", reason);
        }
        else
        {
            json.WriteNull("provider_fallback_reason");
        }
        json.WriteString("input_size", settings.InputSize.ToString());
        json.WriteBoolean("smoothing", settings.Smoothing.Enabled);
        json.WriteNumber("smoothing_strength", settings.Smoothing.Enabled ? settings.Smoothing.Strength : 0);
        json.WriteBoolean("interrupted", interrupted);
        json.WriteNumber("frames_in", statistics.FramesIn);
        json.WriteNumber("frames_processed", statistics.FramesProcessed);
        json.WriteNumber("frames_out", statistics.FramesOut);
        json.WriteNumber("frames_written", outputs.FramesWritten);
        json.WriteStartObject("dropped");
        json.WriteNumber("queue_full", statistics.Dropped.GetValueOrDefault(FrameDropReason.QueueFull));
        json.WriteNumber("over_budget", statistics.Dropped.GetValueOrDefault(FrameDropReason.OverBudget));
        json.WriteNumber("total", statistics.DroppedTotal);
        json.WriteEndObject();
        json.WriteNumber("stale", statistics.StaleResults);
        json.WriteNumber("reconnects", statistics.Reconnects);
        json.WriteNumber("elapsed_s", Math.Round(statistics.Elapsed.TotalSeconds, 3));
        json.WriteNumber("fps", Math.Round(statistics.FramesPerSecond, 2));
        json.WriteNumber("latency_budget_ms", (live ? LatencyPolicy.Live : LatencyPolicy.Lossless).Budget.TotalMilliseconds);
        WriteLatency(json, "latency_ms", statistics.Latency);
        json.WriteStartObject("stage_ms");
        foreach (var (stage, summary) in statistics.Stages.OrderBy(pair => pair.Key))
        {
            WriteLatency(json, stage.ToString().ToLowerInvariant(), summary);
        }

        json.WriteEndObject();
        json.WriteNumber("mean_blurred_fraction", Math.Round(outputs.MeanBlurredFraction, 5));
        json.WriteEndObject();
    }

    private static void WriteLatency(Utf8JsonWriter json, string name, LatencySummary summary)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", summary.Count);
        json.WriteNumber("mean", Math.Round(summary.MeanMs, 3));
        json.WriteNumber("p50", Math.Round(summary.P50Ms, 3));
        json.WriteNumber("p95", Math.Round(summary.P95Ms, 3));
        json.WriteNumber("p99", Math.Round(summary.P99Ms, 3));
        json.WriteNumber("max", Math.Round(summary.MaxMs, 3));
        json.WriteEndObject();
    }

    internal static void CreateParentDirectory(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>Rate-limited progress: at most a few updates per second, and one at the end.</summary>
    private sealed class ProgressReport(Action<long, double> report)
    {
        private static readonly long Interval = Stopwatch.Frequency / 2;
        private long _last = Stopwatch.GetTimestamp();

        public void Frame(long frames, double framesPerSecond)
        {
            var now = Stopwatch.GetTimestamp();
            if (now - _last >= Interval)
            {
                _last = now;
                report(frames, framesPerSecond);
            }
        }

        public void Final(long frames, double framesPerSecond) => report(frames, framesPerSecond);
    }

    /// <summary>
    /// The per-frame outputs. Buffers (overlay frame, resized map, CSV line) are allocated for the first frame and
    /// reused, so that writing a frame allocates nothing managed apart from the map file's name.
    /// </summary>
    private sealed class JobOutputs : IDisposable
    {
        private const string CsvHeader = "index,timestamp_ms,blurred_fraction,focus_score,latency_ms,stale";
        private readonly VideoJobSettings _settings;
        private readonly double _framesPerSecond;
        private readonly OverlayRenderer _renderer = new();
        private readonly StreamWriter? _csv;
        private readonly char[] _line = new char[160];
        private VideoWriter? _video;
        private byte[] _overlay = [];
        private float[] _frameMap = [];
        private double _blurredFractionSum;
        private long _frames;

        public JobOutputs(VideoJobSettings settings, double framesPerSecond)
        {
            _settings = settings;
            _framesPerSecond = framesPerSecond;
            try
            {
                CreateParentDirectory(settings.OutputVideo);
                if (settings.MapsDirectory is not null)
                {
                    Directory.CreateDirectory(settings.MapsDirectory);
                }

                if (settings.CsvPath is not null)
                {
                    CreateParentDirectory(settings.CsvPath);
                    _csv = new StreamWriter(settings.CsvPath, append: false);
                    _csv.WriteLine(CsvHeader);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _renderer.Dispose();
                _csv?.Dispose();
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
            if (_settings.Overlay == OverlayKind.Peaking)
            {
                _renderer.RenderFocusPeaking(_overlay, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height);
            }
            else
            {
                _renderer.RenderHeatmap(_overlay, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height);
            }

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
                var focusScore = 1f - result.FocusRegionBlur;
                _line.AsSpan().TryWrite(
                    CultureInfo.InvariantCulture,
                    $"{result.SequenceNumber},{result.SourceTimestamp.TotalMilliseconds:F1},{blurredFraction:F4},{focusScore:F4},{result.Age.TotalMilliseconds:F2},{(result.Stale ? 1 : 0)}",
                    out var length);
                _csv.WriteLine(_line.AsSpan(0, length));
            }
        }

        /// <summary>Finishes the video file and flushes the CSV.</summary>
        public void Complete()
        {
            _video?.Dispose();
            _csv?.Flush();
        }

        public void Dispose()
        {
            _video?.Dispose();
            _csv?.Dispose();
            _renderer.Dispose();
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
}
