namespace BlurVideo.Measurement.Evaluation;

/// <summary>
/// Scores blur maps against ground-truth masks one image at a time and accumulates the dataset figures,
/// exactly as <see cref="EvaluationProtocol"/> states. Not thread-safe: one evaluator per evaluation.
/// </summary>
public sealed class BlurMapEvaluator
{
    private const int Levels = EvaluationProtocol.ThresholdCount;

    // Per-image histogram of quantized map values: [0, 256) sharp ground-truth pixels, [256, 512) blurred ones.
    private readonly long[] _histogram = new long[2 * Levels];
    private readonly double[] _precisionSum = new double[Levels];
    private readonly double[] _recallSum = new double[Levels];
    private readonly List<ImageScore> _images = [];

    /// <summary>Number of images added so far.</summary>
    public int ImageCount => _images.Count;

    /// <summary>Scores one image and adds it to the dataset figures.</summary>
    /// <param name="name">The image's name (its file-name stem), reported in <see cref="ImageScore.Name"/>.</param>
    /// <param name="map">The blur map, already resized to the mask's size, row-major, values in [0, 1].</param>
    /// <param name="mapPolarity">What a high map value means.</param>
    /// <param name="mask">The ground-truth mask, 8-bit, row-major, <paramref name="width"/> × <paramref name="height"/>.</param>
    /// <param name="maskPolarity">What a white mask pixel means.</param>
    /// <param name="width">Width of the mask (and of the map).</param>
    /// <param name="height">Height of the mask (and of the map).</param>
    /// <returns>The image's figures at threshold 0.5.</returns>
    /// <exception cref="ArgumentException">The sizes disagree, or the image is empty.</exception>
    /// <exception cref="InvalidDataException">The map contains NaN.</exception>
    public ImageScore Add(
        string name,
        ReadOnlySpan<float> map,
        Polarity mapPolarity,
        ReadOnlySpan<byte> mask,
        Polarity maskPolarity,
        int width,
        int height)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixelCount = width * height;
        if (map.Length != pixelCount || mask.Length != pixelCount)
        {
            throw new ArgumentException(
                $"'{name}': the map has {map.Length} values and the mask {mask.Length}, " +
                $"but {width}×{height} needs {pixelCount} each (resize the map to the mask's size first).");
        }

        var absoluteErrorSum = AccumulateHistograms(name, map, mapPolarity, mask, maskPolarity);
        var score = ScoreFromHistograms(name, width, height, absoluteErrorSum / pixelCount);
        _images.Add(score);
        return score;
    }

    /// <summary>The dataset figures of the images added so far.</summary>
    /// <exception cref="InvalidOperationException">No image was added.</exception>
    public EvaluationReport CreateReport()
    {
        if (_images.Count == 0)
        {
            throw new InvalidOperationException("No image was scored; there is nothing to report.");
        }

        var curve = new PrecisionRecallPoint[Levels];
        for (var level = 0; level < Levels; level++)
        {
            var precision = _precisionSum[level] / _images.Count;
            var recall = _recallSum[level] / _images.Count;
            curve[level] = new PrecisionRecallPoint(
                EvaluationProtocol.ThresholdOfLevel(level), precision, recall,
                EvaluationProtocol.FBeta(precision, recall));
        }

        return new EvaluationReport(_images.ToArray(), curve);
    }

    private double AccumulateHistograms(
        string name, ReadOnlySpan<float> map, Polarity mapPolarity, ReadOnlySpan<byte> mask, Polarity maskPolarity)
    {
        Array.Clear(_histogram);
        var flipMap = mapPolarity == Polarity.Sharp;
        // byte/255 ≥ 0.5 ⇔ byte ≥ 128; with sharp polarity 1 − byte/255 ≥ 0.5 ⇔ byte ≤ 127.
        var flipMask = maskPolarity == Polarity.Sharp;
        var absoluteErrorSum = 0.0;
        for (var i = 0; i < map.Length; i++)
        {
            var value = map[i];
            if (float.IsNaN(value))
            {
                throw new InvalidDataException($"'{name}': the blur map contains NaN at pixel {i}.");
            }

            value = Math.Clamp(flipMap ? 1f - value : value, 0f, 1f);
            var level = (int)MathF.Round(value * 255f, MidpointRounding.ToEven);
            var blurred = (mask[i] >= 128) != flipMask ? 1 : 0;
            _histogram[(blurred * Levels) + level]++;
            absoluteErrorSum += MathF.Abs(blurred - value);
        }

        return absoluteErrorSum;
    }

    private ImageScore ScoreFromHistograms(string name, int width, int height, double mae)
    {
        var sharpHistogram = _histogram.AsSpan(0, Levels);
        var blurredHistogram = _histogram.AsSpan(Levels, Levels);
        long blurredTotal = 0;
        foreach (var count in blurredHistogram)
        {
            blurredTotal += count;
        }

        // Walk thresholds from the highest down: TP and FP at level k are the counts of quantized values ≥ k.
        long truePositives = 0;
        long falsePositives = 0;
        var fixedPrecision = 0.0;
        var fixedRecall = 0.0;
        var fixedIoU = 0.0;
        for (var level = Levels - 1; level >= 0; level--)
        {
            truePositives += blurredHistogram[level];
            falsePositives += sharpHistogram[level];
            var precision = Precision(truePositives, falsePositives);
            var recall = Recall(truePositives, blurredTotal);
            _precisionSum[level] += precision;
            _recallSum[level] += recall;
            if (level == EvaluationProtocol.FixedThresholdLevel)
            {
                fixedPrecision = precision;
                fixedRecall = recall;
                fixedIoU = IntersectionOverUnion(truePositives, falsePositives, blurredTotal - truePositives);
            }
        }

        return new ImageScore(
            name, width, height, mae, fixedPrecision, fixedRecall,
            EvaluationProtocol.FBeta(fixedPrecision, fixedRecall), fixedIoU);
    }

    // Degenerate cases by vacuous truth (see EvaluationProtocol): no claim is no false claim, nothing to find is
    // nothing missed, and two empty sets overlap perfectly.
    private static double Precision(long truePositives, long falsePositives) =>
        truePositives + falsePositives == 0 ? 1 : (double)truePositives / (truePositives + falsePositives);

    private static double Recall(long truePositives, long blurredTotal) =>
        blurredTotal == 0 ? 1 : (double)truePositives / blurredTotal;

    private static double IntersectionOverUnion(long truePositives, long falsePositives, long falseNegatives)
    {
        var union = truePositives + falsePositives + falseNegatives;
        return union == 0 ? 1 : (double)truePositives / union;
    }
}
