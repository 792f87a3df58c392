namespace BlurVideo.Focus;

/// <summary>Settings of an <see cref="OutOfFocusDetector"/>.</summary>
public sealed record OutOfFocusOptions
{
    /// <summary>The region whose focus score is followed: <see cref="FocusRegionOfInterest.Centre"/> (default),
    /// <see cref="FocusRegionOfInterest.Whole"/> or any rectangle of the frame.</summary>
    public FocusRegionOfInterest Region { get; init; } = FocusRegionOfInterest.Centre;

    /// <summary>
    /// The share of the region whose blur the focus score measures: 1 − the mean blur probability of the region's
    /// least blurred pixels, this fraction of them (default 0.2). A shot whose subject is sharp before a soft
    /// background is in focus; 1 measures the whole region.
    /// </summary>
    public float SharpestFraction { get; init; } = 0.2f;

    /// <summary>A segment starts at the first frame whose focus score falls below this (default 0.4).</summary>
    public float EnterBelow { get; init; } = 0.4f;

    /// <summary>A segment ends once the focus score rises above this (default 0.6); at least <see cref="EnterBelow"/>.</summary>
    public float ExitAbove { get; init; } = 0.6f;

    /// <summary>Shorter segments are dropped (default 0.5 s).</summary>
    public TimeSpan MinimumDuration { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// In-focus stretches shorter than this inside a segment are bridged (default 0.25 s), so that flicker of the
    /// score around the thresholds never splits a segment; a segment's end is known this long after it.
    /// </summary>
    public TimeSpan BridgeGap { get; init; } = TimeSpan.FromSeconds(0.25);

    /// <summary>A scene cut ends the open segment; the cut's frame may start the next one (default true).</summary>
    public bool EndAtSceneCuts { get; init; } = true;

    internal void Validate()
    {
        Region.Validate();
        if (!(EnterBelow >= 0f && EnterBelow <= ExitAbove && ExitAbove <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(EnterBelow), "The thresholds need 0 <= EnterBelow <= ExitAbove <= 1.");
        }

        if (!(SharpestFraction > 0f && SharpestFraction <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(SharpestFraction), $"SharpestFraction is {SharpestFraction}; it must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(BridgeGap, TimeSpan.Zero);
    }
}
