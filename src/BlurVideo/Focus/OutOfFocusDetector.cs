using System.Runtime.CompilerServices;

namespace BlurVideo.Focus;

/// <summary>
/// Finds the stretches of a stream where a region of the picture is out of focus, as ffmpeg's <c>blackdetect</c>
/// finds black ones: a segment starts when the region's focus score (1 − the mean blur probability of its sharpest
/// <see cref="OutOfFocusOptions.SharpestFraction"/>) falls below
/// <see cref="OutOfFocusOptions.EnterBelow"/> and ends when it has stayed above <see cref="OutOfFocusOptions.ExitAbove"/>
/// for <see cref="OutOfFocusOptions.BridgeGap"/>, or at a scene cut; segments shorter than
/// <see cref="OutOfFocusOptions.MinimumDuration"/> are dropped.
/// </summary>
/// <remarks>Feed it frames in order from one thread. <see cref="Observe(BlurResult)"/> allocates nothing.</remarks>
public sealed class OutOfFocusDetector
{
    private Run _segment;
    private Run _gap;
    private bool _open;
    private bool _inGap;
    private bool _blurred;
    private long _lastFrame = -1;
    private TimeSpan _lastTime;
    private TimeSpan _lastInterval;

    /// <param name="options">Region, thresholds and durations; null = the defaults.</param>
    public OutOfFocusDetector(OutOfFocusOptions? options = null)
    {
        Options = options ?? new OutOfFocusOptions();
        Options.Validate();
    }

    public OutOfFocusOptions Options { get; }

    /// <summary>The focus score of the last frame observed.</summary>
    public float LastFocusScore { get; private set; }

    /// <summary>The first frame of the segment open after the last frame (it may still end up too short), or null.</summary>
    public long? OpenSegmentStartFrame => _open ? _segment.StartFrame : null;

    /// <summary>
    /// Reads every result of <paramref name="results"/> and yields each segment as soon as it is known; disposes every
    /// result it reads (the stream's consumer is this method). The last segment may end at the end of the stream.
    /// </summary>
    public static async IAsyncEnumerable<OutOfFocusSegment> DetectAsync(
        IAsyncEnumerable<BlurResult> results,
        OutOfFocusOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var detector = new OutOfFocusDetector(options);
        await foreach (var result in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            OutOfFocusSegment? segment;
            using (result)
            {
                segment = detector.Observe(result);
            }

            if (segment is { } found)
            {
                yield return found;
            }
        }

        if (detector.Complete() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>Measures the result's map on the region and observes it (the result stays the caller's).</summary>
    /// <returns>The segment this frame ended, if one ended and was long enough.</returns>
    public OutOfFocusSegment? Observe(BlurResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var map = result.Map;
        var score = 1f - Options.Region.MeanBlur(map.Values, map.Width, map.Height, Options.SharpestFraction);
        return Observe(result.SequenceNumber, result.SourceTimestamp, score, result.SceneCut);
    }

    /// <summary>Observes the next frame's focus score.</summary>
    /// <param name="frame">The frame's sequence number (increasing).</param>
    /// <param name="timestamp">Its source time (increasing).</param>
    /// <param name="focusScore">1 − the mean blur probability of the region's sharpest part.</param>
    /// <param name="sceneCut">The frame starts a new shot.</param>
    /// <returns>The segment this frame ended, if one ended and was long enough.</returns>
    public OutOfFocusSegment? Observe(long frame, TimeSpan timestamp, float focusScore, bool sceneCut)
    {
        if (_lastFrame >= 0)
        {
            _lastInterval = timestamp - _lastTime;
        }

        _lastFrame = frame;
        _lastTime = timestamp;
        LastFocusScore = focusScore;

        OutOfFocusSegment? ended = null;
        if (sceneCut && Options.EndAtSceneCuts)
        {
            ended = _open ? Close(timestamp, frame) : null;
            _blurred = false;
        }

        _blurred = _blurred ? focusScore <= Options.ExitAbove : focusScore < Options.EnterBelow;
        if (_blurred)
        {
            if (!_open)
            {
                _open = true;
                _segment = Run.Starting(frame, timestamp);
            }
            else if (_inGap)
            {
                _segment.Merge(_gap);
                _inGap = false;
            }

            _segment.Add(frame, focusScore);
        }
        else if (_open)
        {
            if (!_inGap)
            {
                _inGap = true;
                _gap = Run.Starting(frame, timestamp);
            }

            _gap.Add(frame, focusScore);
            if (timestamp - _gap.Start >= Options.BridgeGap)
            {
                ended = Close(timestamp, frame);
            }
        }

        return ended;
    }

    /// <summary>Ends the stream: returns the segment still open, if long enough.</summary>
    /// <param name="end">The end of the stream; null = the last frame's time plus the last frame interval.</param>
    public OutOfFocusSegment? Complete(TimeSpan? end = null)
    {
        var segment = _open ? Close(end ?? _lastTime + _lastInterval, _lastFrame + 1) : null;
        Reset();
        return segment;
    }

    /// <summary>Forgets the open segment and the state (a new stream).</summary>
    public void Reset()
    {
        _open = false;
        _inGap = false;
        _blurred = false;
        _lastFrame = -1;
        _lastTime = TimeSpan.Zero;
        _lastInterval = TimeSpan.Zero;
    }

    private OutOfFocusSegment? Close(TimeSpan end, long endFrame)
    {
        _open = false;
        if (_inGap)
        {
            (end, endFrame) = (_gap.Start, _gap.StartFrame);
            _inGap = false;
        }

        var segment = new OutOfFocusSegment(
            _segment.Start, end, _segment.StartFrame, endFrame,
            (float)(_segment.ScoreSum / _segment.Frames), _segment.Worst, _segment.WorstFrame, Options.Region);
        return segment.Duration >= Options.MinimumDuration ? segment : null;
    }

    /// <summary>Running figures of a stretch of frames.</summary>
    private struct Run
    {
        public TimeSpan Start;
        public long StartFrame;
        public double ScoreSum;
        public int Frames;
        public float Worst;
        public long WorstFrame;

        public static Run Starting(long frame, TimeSpan start) =>
            new() { Start = start, StartFrame = frame, Worst = float.PositiveInfinity, WorstFrame = frame };

        public void Add(long frame, float score)
        {
            ScoreSum += score;
            Frames++;
            if (score < Worst)
            {
                Worst = score;
                WorstFrame = frame;
            }
        }

        public void Merge(Run other)
        {
            ScoreSum += other.ScoreSum;
            Frames += other.Frames;
            if (other.Worst < Worst)
            {
                Worst = other.Worst;
                WorstFrame = other.WorstFrame;
            }
        }
    }
}
