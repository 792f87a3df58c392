namespace BlurVideo.Focus;

/// <summary>Settings of a <see cref="FocusStateTracker"/>.</summary>
public sealed record FocusStateOptions
{
    /// <summary>The region whose mean blur probability decides the state; default <see cref="FocusRegionOfInterest.Centre"/>.</summary>
    public FocusRegionOfInterest RegionOfInterest { get; init; } = FocusRegionOfInterest.Centre;

    /// <summary>Optional hysteresis; null = a plain threshold at 0.5.</summary>
    public FocusHysteresis? Hysteresis { get; init; }

    internal void Validate()
    {
        RegionOfInterest.Validate();
        Hysteresis?.Validate();
    }
}

/// <summary>
/// Hysteresis on the focus state: the state becomes <see cref="FocusState.OutOfFocus"/> when the focus region's mean
/// blur probability rises above <see cref="BlurredAbove"/>, and returns to <see cref="FocusState.InFocus"/> only when
/// it falls below <see cref="SharpBelow"/>.
/// </summary>
public sealed record FocusHysteresis
{
    public float BlurredAbove { get; init; } = 0.6f;

    public float SharpBelow { get; init; } = 0.4f;

    internal void Validate()
    {
        if (!(SharpBelow >= 0f && SharpBelow <= BlurredAbove && BlurredAbove <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(SharpBelow), "Hysteresis needs 0 <= SharpBelow <= BlurredAbove <= 1.");
        }
    }
}
