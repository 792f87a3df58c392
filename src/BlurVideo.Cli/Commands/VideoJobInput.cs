using BlurVideo.Cli.Monitor;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// The input of <c>video</c> and <c>demo</c>: <c>synthetic</c> (the measurement scene) or what
/// <see cref="FrameSources.Classify"/> recognises; failures are <see cref="VideoJobException"/>s with one clear line.
/// </summary>
internal static class VideoJobInput
{
    /// <summary>The input that selects the synthetic focus-pull clip.</summary>
    public const string Synthetic = "synthetic";

    public static bool IsSynthetic(string input) => string.Equals(input, Synthetic, StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails early (before the model loads) when the input is a file that does not exist.</summary>
    /// <exception cref="VideoJobException">The input file is missing.</exception>
    public static void RequireExisting(string input)
    {
        if (!IsSynthetic(input) && FrameSources.Classify(input) == FrameSourceKind.File && !File.Exists(input))
        {
            throw new VideoJobException($"Input file '{input}' not found.");
        }
    }

    /// <summary>The files and folders the run reads (the input file or folder, a model file), which no output may replace.</summary>
    public static IEnumerable<string> Files(VideoJobSettings settings)
    {
        if (!IsSynthetic(settings.Input) && FrameSources.Classify(settings.Input) is FrameSourceKind.File or FrameSourceKind.ImageFolder)
        {
            yield return settings.Input;
        }

        if (File.Exists(settings.Model))
        {
            yield return settings.Model;
        }
    }

    /// <summary>
    /// Opens the source on the thread pool so that <paramref name="cancellationToken"/> (Ctrl+C, <c>--duration</c>)
    /// bounds the wait: opening a silent stream blocks in FFmpeg for its 30 s timeout. An abandoned open is disposed
    /// when it returns.
    /// </summary>
    /// <exception cref="VideoJobException">The source cannot be opened.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the source opened.</exception>
    public static async Task<IFrameSource> OpenAsync(VideoJobSettings settings, CancellationToken cancellationToken)
    {
        var opening = Task.Run(() => Open(settings), CancellationToken.None);
        try
        {
            return await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbandonedCalls.Track(opening.ContinueWith(
                static task => task.IsCompletedSuccessfully ? task.Result.DisposeAsync().AsTask() : Task.CompletedTask,
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap());
            throw;
        }
    }

    /// <summary>
    /// Opens the source: live sources read on the thread pool (<see cref="DetachedFrameSource"/>), and a file in live
    /// mode is paced at its frame rate (it stands in for a camera).
    /// </summary>
    /// <exception cref="VideoJobException">The source cannot be opened.</exception>
    public static IFrameSource Open(VideoJobSettings settings)
    {
        var source = OpenSource(settings);
        return source.IsLive ? (source.Kind is FrameSourceKind.Camera or FrameSourceKind.Network ? new DetachedFrameSource(source) : source)
            : settings.Live ? new PacedFrameSource(source, fallbackFramesPerSecond: 25)
            : source;
    }

    /// <summary>Frames of a file skipped as undecodable (0 for other sources).</summary>
    public static long FramesSkipped(IFrameSource source) => source switch
    {
        VideoReaderSource reader => reader.FramesSkipped,
        PacedFrameSource paced => FramesSkipped(paced.Inner),
        DetachedFrameSource detached => FramesSkipped(detached.Inner),
        _ => 0,
    };

    private static IFrameSource OpenSource(VideoJobSettings settings)
    {
        if (IsSynthetic(settings.Input))
        {
            // A lossless synthetic run ends by itself after --max-frames; a live one is paced and stopped by the limits.
            return new SyntheticFocusPullSource(settings.SyntheticScene, settings.Live ? null : settings.MaxFrames, settings.Live);
        }

        try
        {
            return FrameSources.Open(settings.Input);
        }
        catch (FrameSourceException ex)
        {
            var kind = FrameSources.Classify(settings.Input) switch
            {
                FrameSourceKind.Camera => "camera",
                FrameSourceKind.Network => "stream",
                _ => "input",
            };
            throw new VideoJobException($"Cannot open {kind} '{settings.Input}': {ex.Message}", ex);
        }
    }
}
