namespace BlurVideo.Focus;

/// <summary>
/// The focus state of a stream of blur maps: the mean blur probability of a region of interest (the same region rule
/// as <see cref="FocusAnalyzer"/>), thresholded at 0.5 or with <see cref="FocusHysteresis"/>.
/// </summary>
/// <remarks>Keeps the last state between maps; use from one thread at a time. <see cref="Update(BlurMap)"/> allocates nothing.</remarks>
public sealed class FocusStateTracker
{
    private readonly FocusStateOptions _options;

    /// <param name="options">Region and hysteresis; null = the centre region, no hysteresis.</param>
    public FocusStateTracker(FocusStateOptions? options = null)
    {
        _options = options ?? new FocusStateOptions();
        _options.Validate();
    }

    /// <summary>The state after the last map.</summary>
    public FocusState State { get; private set; }

    /// <summary>The focus region's mean blur probability in the last map, in [0, 1].</summary>
    public float RegionBlur { get; private set; }

    /// <summary>Measures the map's focus region and returns the new state (the map stays its owner's).</summary>
    public FocusState Update(BlurMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Update(map.Values, map.Width, map.Height);
    }

    /// <summary>Measures a tightly packed map (1 = blurred) and returns the new state.</summary>
    public FocusState Update(ReadOnlySpan<float> map, int width, int height)
    {
        RegionBlur = _options.RegionOfInterest.MeanBlur(map, width, height);
        State = NextState(State, RegionBlur, _options.Hysteresis);
        return State;
    }

    /// <summary>Forgets the state (e.g. after a cut or a reconnect).</summary>
    public void Reset()
    {
        State = FocusState.Unknown;
        RegionBlur = 0f;
    }

    internal static FocusState NextState(FocusState current, float regionBlur, FocusHysteresis? hysteresis)
    {
        if (hysteresis is null)
        {
            return regionBlur >= 0.5f ? FocusState.OutOfFocus : FocusState.InFocus;
        }

        return current switch
        {
            FocusState.OutOfFocus => regionBlur < hysteresis.SharpBelow ? FocusState.InFocus : FocusState.OutOfFocus,
            FocusState.InFocus => regionBlur > hysteresis.BlurredAbove ? FocusState.OutOfFocus : FocusState.InFocus,
            _ => regionBlur >= 0.5f ? FocusState.OutOfFocus : FocusState.InFocus,
        };
    }
}
