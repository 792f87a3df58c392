namespace BlurVideo.Pipeline;

/// <summary>What smoothing did to one frame's map.</summary>
/// <param name="State">The frame's focus state (after hysteresis, when configured).</param>
/// <param name="FocusRegionBlur">Mean blur probability of the focus region, in [0, 1].</param>
/// <param name="SceneCut">The history was discarded because the scene changed.</param>
internal readonly record struct SmoothingOutcome(FocusState State, float FocusRegionBlur, bool SceneCut);

/// <summary>
/// Motion-compensated exponential smoothing of successive blur maps (see <see cref="TemporalSmoothingOptions"/>)
/// plus the per-frame focus state. Used from one thread; keeps its history buffers between frames and
/// allocates only when the map size changes.
/// </summary>
internal sealed class TemporalSmoother : IDisposable
{
    private readonly TemporalSmoothingOptions _options;
    private readonly Func<int, int, ITemporalAligner> _createAligner;
    private ITemporalAligner? _aligner;
    private float[] _history = [];
    private float[] _warped = [];
    private int _width;
    private int _height;
    private bool _hasHistory;
    private FocusState _state;

    /// <param name="options">Smoothing settings (validated).</param>
    /// <param name="createAligner">Creates the aligner for maps of a given width and height.</param>
    public TemporalSmoother(TemporalSmoothingOptions options, Func<int, int, ITemporalAligner> createAligner)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createAligner);
        options.Validate();
        _options = options;
        _createAligner = createAligner;
    }

    /// <summary>Smooths <paramref name="map"/> in place against the history and returns the focus state.</summary>
    public SmoothingOutcome Apply(VideoFrame frame, BlurMap map)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(map);
        var values = map.Values;
        var sceneCut = false;

        if (_options.Enabled)
        {
            EnsureSize(map.Width, map.Height);
            var alignment = _aligner!.Align(frame, _history, _warped);
            sceneCut = alignment.Aligned && alignment.SceneChange > _options.SceneCutThreshold;
            if (_hasHistory && alignment.Aligned && !sceneCut)
            {
                Blend(_warped, values, _options.Strength, _options.ChangeThreshold);
            }

            values.CopyTo(_history);
            _hasHistory = true;
        }

        var regionBlur = MeanOfCentredRegion(values, map.Width, map.Height, _options.FocusRegionFraction);
        _state = NextState(_state, regionBlur, _options.Hysteresis);
        return new SmoothingOutcome(_state, regionBlur, sceneCut);
    }

    /// <summary>Forgets the history and the focus state (after a reconnect).</summary>
    public void Reset()
    {
        _hasHistory = false;
        _state = FocusState.Unknown;
        _aligner?.Reset();
    }

    public void Dispose()
    {
        _aligner?.Dispose();
        _aligner = null;
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

    internal static float MeanOfCentredRegion(ReadOnlySpan<float> values, int width, int height, float fraction)
    {
        var regionWidth = Math.Max(1, (int)MathF.Round(width * fraction));
        var regionHeight = Math.Max(1, (int)MathF.Round(height * fraction));
        var left = (width - regionWidth) / 2;
        var top = (height - regionHeight) / 2;
        double sum = 0;
        for (var y = top; y < top + regionHeight; y++)
        {
            foreach (var v in values.Slice((y * width) + left, regionWidth))
            {
                sum += v;
            }
        }

        return (float)(sum / (regionWidth * regionHeight));
    }

    internal static void Blend(ReadOnlySpan<float> history, Span<float> current, float strength, float changeThreshold)
    {
        var fade = strength / changeThreshold;
        for (var i = 0; i < current.Length; i++)
        {
            var change = MathF.Abs(current[i] - history[i]);
            var weight = Math.Clamp(fade * ((2f * changeThreshold) - change), 0f, strength);
            current[i] += weight * (history[i] - current[i]);
        }
    }

    private void EnsureSize(int width, int height)
    {
        if (_aligner is not null && width == _width && height == _height)
        {
            return;
        }

        _aligner?.Dispose();
        _aligner = _createAligner(width, height);
        _history = new float[width * height];
        _warped = new float[width * height];
        _width = width;
        _height = height;
        _hasHistory = false;
    }
}
