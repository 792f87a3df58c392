using System.Globalization;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using Spectre.Console;

namespace BlurVideo.Cli.Commands;

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
    /// <exception cref="OperationCanceledException">Cancelled before the source opened: nothing was written.</exception>
    public static async Task<VideoJobOutcome> RunAsync(
        VideoJobSettings settings, TextWriter output, bool interactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        VideoJobInput.RequireExisting(settings.Input);
        OutputGuard.Check(VideoJobInput.Files(settings), Outputs(settings));
        using var detector = new BlurDetector(DetectorOptions.Create(settings.Model, settings.InputSize, settings.Provider, settings.Device));
        DetectorOptions.ReportFallback(detector, output);

        // --duration bounds the whole run, opening the source included (a silent stream takes 30 s to fail).
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Duration is { } duration)
        {
            limit.CancelAfter(duration);
        }

        IFrameSource source;
        try
        {
            source = await VideoJobInput.OpenAsync(settings, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VideoJobException(string.Create(
                CultureInfo.InvariantCulture, $"'{settings.Input}' did not open within --duration {settings.Duration!.Value.TotalSeconds:0.###} s; nothing was written."));
        }

        var live = settings.Live || source.IsLive;
        var options = new BlurPipelineOptions
        {
            Latency = live ? LatencyPolicy.Live : LatencyPolicy.Lossless,
            Smoothing = settings.Smoothing,
            AdaptiveQuality = live && !settings.FixedQuality ? new AdaptiveQualityOptions() : null,
        };
        await using var pipeline = new BlurPipeline(source, detector, options);
        var totalFrames = live ? null : Min(source.FrameCount, settings.MaxFrames);
        var framesPerSecond = source.FramesPerSecond > 0 ? source.FramesPerSecond : FallbackFramesPerSecond;

        using var outputs = new VideoJobOutputs(settings, framesPerSecond);
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
                VideoJobStatistics.Write(
                    settings, detector, live, statistics, outputs, cancellationToken.IsCancellationRequested, VideoJobInput.FramesSkipped(source));
            }
        }

        outputs.ThrowIfVideoFailed();
        return new VideoJobOutcome(
            statistics,
            outputs.FramesWritten,
            VideoJobInput.FramesSkipped(source),
            outputs.MeanBlurredFraction,
            cancellationToken.IsCancellationRequested,
            detector.Model.Name);
    }

    private static async Task ConsumeAsync(
        BlurPipeline pipeline, VideoJobOutputs outputs, long? maxFrames, ProgressReport progress, CancellationToken cancellationToken)
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

    private static IEnumerable<(string Option, string Path)> Outputs(VideoJobSettings settings)
    {
        (string Option, string? Path)[] optional =
        [
            ("-o", settings.OutputVideo),
            ("--csv", settings.CsvPath), ("--stats-json", settings.StatsJsonPath), ("--frame-metadata", settings.FrameMetadataPath),
            ("--maps-dir", settings.MapsDirectory),
        ];
        foreach (var (option, path) in optional)
        {
            if (path is not null)
            {
                yield return (option, path);
            }
        }
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    internal static void CreateParentDirectory(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
