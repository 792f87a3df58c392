namespace BlurVideo.Pipeline;

/// <summary>
/// Motion-compensated exponential smoothing of successive blur maps (see <see cref="TemporalSmoothingOptions"/>),
/// with the history discarded at scene cuts (<see cref="SceneChangeMeter"/>). Used from one thread; keeps its history buffers between frames and
/// allocates only when the map size changes.
/// </summary>
internal sealed class TemporalSmoother : IDisposable
{
    private readonly TemporalSmoothingOptions _options;
    private readonly Func<int, int, ITemporalAligner> _createAligner;
    private readonly SceneChangeMeter _sceneChange = new();
    private ITemporalAligner? _aligner;
    private float[] _history = [];
    private float[] _warped = [];
    private int _width;
    private int _height;
    private bool _hasHistory;

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

    /// <summary>Smooths <paramref name="map"/> in place against the history; true when a scene cut discarded the history.</summary>
    public bool Apply(VideoFrame frame, BlurMap map)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(map);
        if (!_options.Enabled)
        {
            return false;
        }

        var values = map.Values;
        EnsureSize(map.Width, map.Height);
        var aligned = _aligner!.Align(frame, _history, _warped);
        var sceneCut = _sceneChange.Measure(frame) > _options.SceneCutThreshold;
        if (_hasHistory && aligned && !sceneCut)
        {
            Blend(_warped, values, _options.Strength, _options.ChangeThreshold);
        }

        values.CopyTo(_history);
        _hasHistory = true;
        return sceneCut;
    }

    /// <summary>Forgets the history (after a reconnect).</summary>
    public void Reset()
    {
        _hasHistory = false;
        _sceneChange.Reset();
        _aligner?.Reset();
    }

    public void Dispose()
    {
        _aligner?.Dispose();
        _aligner = null;
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
