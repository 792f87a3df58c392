namespace BlurVideo.Pipeline;

/// <summary>
/// Adaptive quality of a <see cref="BlurPipeline"/>: when inference takes too long for the stream, the next frames run
/// at a smaller network input size, and at the full size again when there is room. Each result records the size it
/// ran at (<see cref="BlurResult.QualityLevel"/>, <see cref="BlurResult.InputWidth"/>); its map keeps the full-quality size.
/// </summary>
/// <remarks>
/// The pipeline keeps an exponentially weighted mean of the measured inference time per frame. Above
/// <see cref="StepDownAbove"/> × <see cref="Target"/> it steps to the next smaller level; when the mean, scaled by
/// the next larger level's cost (pixels), would stay below <see cref="StepUpBelow"/> × <see cref="Target"/> it steps
/// back up. After a step the level holds for <see cref="HoldFrames"/> frames and the mean restarts, so the
/// level does not oscillate. Immutable; may be shared.
/// </remarks>
public sealed record AdaptiveQualityOptions
{
    /// <summary>The input-side scales of the levels, level 0 first (1 = the full input size), each smaller than the last.</summary>
    public IReadOnlyList<float> InputScales { get; init; } = [1f, 0.75f, 0.5f];

    /// <summary>
    /// The inference time per frame to stay under; null = the source's frame interval (33 ms at 30 fps), or a
    /// quarter of the latency budget when the source has no frame rate.
    /// </summary>
    public TimeSpan? Target { get; init; }

    /// <summary>Step down when the mean inference time exceeds this fraction of <see cref="Target"/>.</summary>
    public double StepDownAbove { get; init; } = 0.9;

    /// <summary>Step up when the mean inference time at the next larger level is expected below this fraction of <see cref="Target"/>.</summary>
    public double StepUpBelow { get; init; } = 0.7;

    /// <summary>Weight of the newest measurement in the mean, in (0, 1].</summary>
    public double Smoothing { get; init; } = 0.25;

    /// <summary>Frames a level holds after a step before the next step.</summary>
    public int HoldFrames { get; init; } = 15;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(InputScales, nameof(InputScales));
        if (InputScales.Count == 0 || InputScales[0] > 1f)
        {
            throw new ArgumentException("InputScales needs at least one level and its first scale is at most 1.", nameof(InputScales));
        }

        for (var i = 0; i < InputScales.Count; i++)
        {
            if (!(InputScales[i] > 0f) || (i > 0 && InputScales[i] >= InputScales[i - 1]))
            {
                throw new ArgumentException("InputScales must be positive and decreasing.", nameof(InputScales));
            }
        }

        if (Target is { } target)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, TimeSpan.Zero, nameof(Target));
        }

        if (!(StepUpBelow > 0 && StepUpBelow < StepDownAbove))
        {
            throw new ArgumentException("StepUpBelow must be positive and below StepDownAbove (hysteresis).", nameof(StepUpBelow));
        }

        if (!(Smoothing > 0 && Smoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "Smoothing must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(HoldFrames, nameof(HoldFrames));
    }
}

/// <summary>
/// The level decision of <see cref="AdaptiveQualityOptions"/>: fed the measured inference time of each frame (from the
/// inference stage), read by the preprocessing stage for the next frame. One writer; the level is read atomically.
/// </summary>
internal sealed class AdaptiveQualityController
{
    private readonly AdaptiveQualityOptions _options;
    private readonly double _targetMs;
    private double _meanMs = double.NaN;
    private int _hold;
    private int _level;
    private bool _ranAtLevel;

    public AdaptiveQualityController(AdaptiveQualityOptions options, TimeSpan target)
    {
        _options = options;
        _targetMs = target.TotalMilliseconds;
    }

    /// <summary>The level for the next frame (0 = full quality).</summary>
    public int Level => Volatile.Read(ref _level);

    public float ScaleOf(int level) => _options.InputScales[level];

    /// <summary>Feeds the inference time of a frame that ran at <paramref name="level"/>; returns the level for the next frames.</summary>
    public int Observe(int level, TimeSpan inferenceTime)
    {
        var current = _level;
        if (level != current)
        {
            return current; // A frame prepared before the last step: its time says nothing about the new level.
        }

        if (!_ranAtLevel)
        {
            // The first run at an input size includes ONNX Runtime's planning for that shape (hundreds of ms for
            // the INT8 default): not a measure of the size's cost, and it would step down a machine with room.
            _ranAtLevel = true;
            return current;
        }

        var ms = inferenceTime.TotalMilliseconds;
        _meanMs = double.IsNaN(_meanMs) ? ms : _meanMs + (_options.Smoothing * (ms - _meanMs));
        if (_hold > 0)
        {
            _hold--;
            return current;
        }

        var next = current;
        if (_meanMs > _options.StepDownAbove * _targetMs && current + 1 < _options.InputScales.Count)
        {
            next = current + 1;
        }
        else if (current > 0)
        {
            var ratio = _options.InputScales[current - 1] / _options.InputScales[current];
            if (_meanMs * ratio * ratio < _options.StepUpBelow * _targetMs)
            {
                next = current - 1;
            }
        }

        if (next != current)
        {
            _meanMs = double.NaN;
            _hold = _options.HoldFrames;
            _ranAtLevel = false;
            Volatile.Write(ref _level, next);
        }

        return next;
    }
}
