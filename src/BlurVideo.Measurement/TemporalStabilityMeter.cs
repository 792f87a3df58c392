using BlurVideo.Measurement.Evaluation;

namespace BlurVideo.Measurement;

/// <summary>
/// Measures how steady a sequence of blur maps is against per-frame ground truth, to judge temporal
/// smoothing: <b>flicker</b> is the mean of <c>|m(t) − m(t−1)|</c> over the pixels whose label did not
/// change between the two frames (pooled over all such pixel pairs); <b>jitter</b> is the same mean over the
/// pixels where, besides the label, the detector's own decision (its unsmoothed map ≥ 0.5) held too — the part
/// of flicker that smoothing can remove; the rest is the detector changing its decision at another frame than
/// the label. The per-frame accuracy is scored with the project's <see cref="EvaluationProtocol"/> (MAE, Fβ at
/// 0.5, IoU, averaged over frames).
/// </summary>
/// <remarks>Maps and labels are given at the same size. Not thread-safe.</remarks>
public sealed class TemporalStabilityMeter
{
    private readonly BlurMapEvaluator _evaluator = new();
    private readonly float[] _previousMap;
    private readonly byte[] _previousLabel;
    private readonly byte[] _previousDecision;
    private readonly byte[] _mask;
    private bool _hasPrevious;
    private double _flickerSum;
    private long _flickerPixels;
    private double _jitterSum;
    private long _jitterPixels;

    public TemporalStabilityMeter(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _previousMap = new float[width * height];
        _previousLabel = new byte[width * height];
        _previousDecision = new byte[width * height];
        _mask = new byte[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames added.</summary>
    public int Frames => _evaluator.ImageCount;

    /// <summary>Mean |m(t) − m(t−1)| over label-stable pixels; 0 before two consecutive frames were added.</summary>
    public double Flicker => _flickerPixels == 0 ? 0 : _flickerSum / _flickerPixels;

    /// <summary>Mean |m(t) − m(t−1)| over pixels whose label and unsmoothed decision both held; 0 before two frames.</summary>
    public double Jitter => _jitterPixels == 0 ? 0 : _jitterSum / _jitterPixels;

    /// <summary>
    /// Share of the flicker (summed change) at label-stable pixels where the unsmoothed decision flipped: for the
    /// unsmoothed maps, the part a filter that follows the detector's decisions cannot remove; 0 without flicker.
    /// </summary>
    public double DecisionFlipShare => _flickerSum == 0 ? 0 : 1 - (_jitterSum / _flickerSum);

    /// <summary>
    /// Adds the next frame's map (1 = blurred), its label (1 = blurred, 0 = sharp) and the detector's unsmoothed
    /// decision for the frame (1 = its raw map ≥ 0.5); an empty <paramref name="rawDecision"/> means the map is the
    /// unsmoothed one and the decision is taken from it.
    /// </summary>
    public void Add(ReadOnlySpan<float> map, ReadOnlySpan<byte> label, ReadOnlySpan<byte> rawDecision = default)
    {
        var pixels = Width * Height;
        if (map.Length != pixels || label.Length != pixels || !(rawDecision.IsEmpty || rawDecision.Length == pixels))
        {
            throw new ArgumentException(
                $"Expected {Width}×{Height} = {pixels} values, got a map of {map.Length}, a label of {label.Length} and a decision of {rawDecision.Length}.");
        }

        for (var i = 0; i < pixels; i++)
        {
            var decision = rawDecision.IsEmpty ? (byte)(map[i] >= 0.5f ? 1 : 0) : rawDecision[i];
            if (_hasPrevious && label[i] == _previousLabel[i])
            {
                var change = Math.Abs(map[i] - _previousMap[i]);
                _flickerSum += change;
                _flickerPixels++;
                if (decision == _previousDecision[i])
                {
                    _jitterSum += change;
                    _jitterPixels++;
                }
            }

            _previousDecision[i] = decision;
        }

        for (var i = 0; i < pixels; i++)
        {
            _mask[i] = label[i] != 0 ? (byte)255 : (byte)0;
        }

        _evaluator.Add(Frames.ToString(System.Globalization.CultureInfo.InvariantCulture), map, Polarity.Blur, _mask, Polarity.Blur, Width, Height);
        map.CopyTo(_previousMap);
        label.CopyTo(_previousLabel);
        _hasPrevious = true;
    }

    /// <summary>Breaks continuity: the next frame is not compared with the last one (after a dropped frame).</summary>
    public void BreakContinuity() => _hasPrevious = false;

    /// <summary>MAE, Fβ, IoU and maxF over the frames added.</summary>
    public EvaluationReport Accuracy() => _evaluator.CreateReport();
}
