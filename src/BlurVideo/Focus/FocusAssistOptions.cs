namespace BlurVideo.Focus;

/// <summary>Settings of a <see cref="FocusAssist"/>.</summary>
public sealed record FocusAssistOptions
{
    /// <summary>Columns of the zone grid (default 3).</summary>
    public int GridColumns { get; init; } = 3;

    /// <summary>Rows of the zone grid (default 3).</summary>
    public int GridRows { get; init; } = 3;

    /// <summary>The region whose sharpness is the focus score, the peak and the state; default <see cref="FocusRegionOfInterest.Centre"/>.</summary>
    public FocusRegionOfInterest Centre { get; init; } = FocusRegionOfInterest.Centre;

    /// <summary>The trend compares the score with the mean of this many previous frames (default 5).</summary>
    public int TrendFrames { get; init; } = 5;

    /// <summary>Score changes within ± this much of that mean are <see cref="FocusTrend.Steady"/> (default 0.02).</summary>
    public float TrendDeadBand { get; init; } = 0.02f;

    /// <summary>Thresholds on the centre's mean blur probability between the two states (default 0.6 / 0.4).</summary>
    public FocusHysteresis Hysteresis { get; init; } = new();

    /// <summary>A new state must hold for this many consecutive frames before it is reported (default 3).</summary>
    public int ConfirmFrames { get; init; } = 3;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(GridColumns, nameof(GridColumns));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(GridRows, nameof(GridRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(GridColumns * GridRows, 256, "GridColumns x GridRows");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TrendFrames, nameof(TrendFrames));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ConfirmFrames, nameof(ConfirmFrames));
        if (!(TrendDeadBand >= 0f && TrendDeadBand < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TrendDeadBand), TrendDeadBand, "The dead band must be in [0, 1).");
        }

        Centre.Validate();
        ArgumentNullException.ThrowIfNull(Hysteresis, nameof(Hysteresis));
        Hysteresis.Validate();
    }
}

/// <summary>Where the focus score is heading against the last frames (see <see cref="FocusAssistOptions.TrendFrames"/>).</summary>
/// <remarks>A blur map has no sign: softer says focus moved away from the subject, not to which side.</remarks>
public enum FocusTrend
{
    /// <summary>Within the dead band of the recent mean (or no history yet).</summary>
    Steady,

    /// <summary>Above the recent mean by more than the dead band.</summary>
    Sharper,

    /// <summary>Below the recent mean by more than the dead band.</summary>
    Softer,
}

/// <summary>One frame's focus-assist figures (scores: 1 = all sharp, 0 = all blurred).</summary>
/// <param name="FrameIndex">The frame's sequence number.</param>
/// <param name="SourceTimestamp">The frame's source time.</param>
/// <param name="Score">The centre region's sharpness, <c>1 - mean blur</c>.</param>
/// <param name="PeakScore">The highest score since the start or <see cref="FocusAssist.ResetPeak"/>.</param>
/// <param name="PeakFrameIndex">The frame where the score peaked.</param>
/// <param name="PeakTimestamp">That frame's source time.</param>
/// <param name="Trend">Sharper, softer or steady against the recent frames.</param>
/// <param name="State">The confirmed focus state.</param>
public readonly record struct FocusReading(
    long FrameIndex, TimeSpan SourceTimestamp, float Score, float PeakScore, long PeakFrameIndex, TimeSpan PeakTimestamp,
    FocusTrend Trend, FocusState State)
{
    /// <summary>How far the current score is below the peak (0 at the peak).</summary>
    public float BelowPeak => PeakScore - Score;
}

/// <summary>A confirmed change of the focus state, reported at the frame that confirmed it.</summary>
/// <param name="From">The previous state.</param>
/// <param name="To">The new state.</param>
/// <param name="FrameIndex">The confirming frame's sequence number.</param>
/// <param name="SourceTimestamp">Its source time.</param>
/// <param name="Score">Its centre score.</param>
public readonly record struct FocusStateChange(FocusState From, FocusState To, long FrameIndex, TimeSpan SourceTimestamp, float Score);
