namespace BlurVideo.Focus;

/// <summary>
/// Live focus assistance from a stream of blur maps: per-zone scores on a grid, the centre's score with peak-hold
/// (for turning past the best focus and back), a trend with a dead band, and focus-state changes with hysteresis and
/// confirmation, so that a still scene reports none.
/// </summary>
/// <remarks>
/// Feed it every <see cref="BlurResult"/> in order with <see cref="Update(BlurResult)"/>. The state starts
/// <see cref="FocusState.Unknown"/>; the first confirmed state is not a change, later ones raise <see cref="StateChanged"/>
/// on the calling thread. Use from one thread at a time; <see cref="Update(BlurResult)"/> allocates nothing.
/// </remarks>
public sealed class FocusAssist
{
    private readonly FocusAssistOptions _options;
    private readonly FocusRegionOfInterest[] _zones;
    private readonly float[] _zoneScores;
    private readonly float[] _history;
    private int _historyCount;
    private int _historyNext;
    private FocusState _candidate;
    private int _candidateFrames;
    private FocusState _raw;
    private bool _hasPeak;

    /// <param name="options">Grid, centre, trend and state settings; null = the defaults.</param>
    public FocusAssist(FocusAssistOptions? options = null)
    {
        _options = options ?? new FocusAssistOptions();
        _options.Validate();
        var (columns, rows) = (_options.GridColumns, _options.GridRows);
        _zones = new FocusRegionOfInterest[columns * rows];
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                _zones[(row * columns) + column] = new FocusRegionOfInterest(
                    (float)column / columns, (float)row / rows, 1f / columns, 1f / rows);
            }
        }

        _zoneScores = new float[_zones.Length];
        _history = new float[_options.TrendFrames];
    }

    /// <summary>Raised by <see cref="Update(BlurResult)"/> when a new state is confirmed.</summary>
    public event EventHandler<FocusStateChange>? StateChanged;

    public FocusAssistOptions Options => _options;

    /// <summary>The last frame's figures.</summary>
    public FocusReading Current { get; private set; }

    /// <summary>The last frame's zone scores (<c>1 - mean blur</c>), row-major, <see cref="FocusAssistOptions.GridColumns"/> per row.</summary>
    public ReadOnlySpan<float> ZoneScores => _zoneScores;

    /// <summary>Measures a result's map (the result stays its owner's) and returns the frame's figures.</summary>
    public FocusReading Update(BlurResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var map = result.Map;
        return Update(map.Values, map.Width, map.Height, result.SequenceNumber, result.SourceTimestamp);
    }

    /// <summary>Measures a tightly packed map (1 = blurred) of frame <paramref name="frameIndex"/>.</summary>
    public FocusReading Update(ReadOnlySpan<float> map, int width, int height, long frameIndex, TimeSpan sourceTimestamp)
    {
        var centreBlur = _options.Centre.MeanBlur(map, width, height);
        for (var i = 0; i < _zones.Length; i++)
        {
            _zoneScores[i] = 1f - _zones[i].MeanBlur(map, width, height);
        }

        var score = 1f - centreBlur;
        var previous = Current;
        var (peak, peakFrame, peakTime) = (previous.PeakScore, previous.PeakFrameIndex, previous.PeakTimestamp);
        if (!_hasPeak || score > peak)
        {
            (peak, peakFrame, peakTime, _hasPeak) = (score, frameIndex, sourceTimestamp, true);
        }

        var trend = Trend(score);
        var state = Confirm(centreBlur, previous.State);
        Current = new FocusReading(frameIndex, sourceTimestamp, score, peak, peakFrame, peakTime, trend, state);
        if (previous.State != FocusState.Unknown && state != previous.State)
        {
            StateChanged?.Invoke(this, new FocusStateChange(previous.State, state, frameIndex, sourceTimestamp, score));
        }

        return Current;
    }

    /// <summary>Starts a new peak-hold from the next frame (the operator's "reset peak").</summary>
    public void ResetPeak() => _hasPeak = false;

    /// <summary>Forgets everything: peak, trend history and state (e.g. after a cut or a change of source).</summary>
    public void Reset()
    {
        _hasPeak = false;
        _historyCount = _historyNext = _candidateFrames = 0;
        _raw = _candidate = FocusState.Unknown;
        _zoneScores.AsSpan().Clear();
        Current = default;
    }

    private FocusTrend Trend(float score)
    {
        var trend = FocusTrend.Steady;
        if (_historyCount > 0)
        {
            var sum = 0f;
            for (var i = 0; i < _historyCount; i++)
            {
                sum += _history[i];
            }

            var change = score - (sum / _historyCount);
            trend = change > _options.TrendDeadBand ? FocusTrend.Sharper
                : change < -_options.TrendDeadBand ? FocusTrend.Softer
                : FocusTrend.Steady;
        }

        _history[_historyNext] = score;
        _historyNext = (_historyNext + 1) % _history.Length;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
        return trend;
    }

    private FocusState Confirm(float centreBlur, FocusState confirmed)
    {
        _raw = FocusStateTracker.NextState(_raw, centreBlur, _options.Hysteresis);
        if (_raw == confirmed)
        {
            _candidateFrames = 0;
            return confirmed;
        }

        _candidateFrames = _raw == _candidate ? _candidateFrames + 1 : 1;
        _candidate = _raw;
        return _candidateFrames >= _options.ConfirmFrames ? _raw : confirmed;
    }
}
