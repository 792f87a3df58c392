namespace BlurVideo.Pipeline;

/// <summary>What the pipeline does when frames arrive faster than they can be processed.</summary>
public enum FrameDropPolicy
{
    /// <summary>Lossless: every frame is processed in order; the source is slowed down (backpressure).</summary>
    None,

    /// <summary>Live: when the queue is full the oldest queued frame is dropped, so the newest is processed next.</summary>
    DropOldest,
}

/// <summary>Why a frame was dropped before its result was emitted.</summary>
public enum FrameDropReason
{
    /// <summary>A newer frame arrived while the capture queue was full (live mode).</summary>
    QueueFull,

    /// <summary>The frame was already older than the latency budget when inference would have started.</summary>
    OverBudget,
}

/// <summary>How the pipeline trades completeness for timeliness.</summary>
/// <remarks>
/// Live sources default to <see cref="Live"/>: a short queue that drops the oldest frame, and frames that are
/// older than <see cref="Budget"/> when inference would start are dropped. Files default to
/// <see cref="Lossless"/>. In both modes every result carries its age and is flagged
/// <see cref="BlurResult.Stale"/> when the age exceeds the budget.
/// </remarks>
public sealed record LatencyPolicy
{
    /// <summary>The live default: 200 ms budget, one queued frame, drop-oldest.</summary>
    public static LatencyPolicy Live { get; } = new();

    /// <summary>The file default: no drops, in order, with backpressure; the budget only marks results stale.</summary>
    public static LatencyPolicy Lossless { get; } = new() { DropPolicy = FrameDropPolicy.None, QueueCapacity = 4 };

    /// <summary>Capture-to-result time a result may take before it counts as stale (and, live, before a waiting frame is dropped).</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMilliseconds(200);

    public FrameDropPolicy DropPolicy { get; init; } = FrameDropPolicy.DropOldest;

    /// <summary>Frames that may wait between capture and inference (live: 1–2).</summary>
    public int QueueCapacity { get; init; } = 1;

    /// <summary>The default policy for a source: <see cref="Live"/> for live sources, <see cref="Lossless"/> otherwise.</summary>
    public static LatencyPolicy For(IFrameSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.IsLive ? Live : Lossless;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Budget, TimeSpan.Zero, nameof(Budget));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(QueueCapacity, nameof(QueueCapacity));
    }
}
