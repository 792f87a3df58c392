namespace BlurVideo.Measurement.Evaluation;

/// <summary>
/// The fixed protocol by which BlurVideo scores defocus-blur maps against ground-truth masks. It is the
/// protocol of the D-DFFNet (ICME 2023) comparison table, so that scoring another method's published maps
/// reproduces that table's figures.
/// </summary>
/// <remarks>
/// <para><b>Values.</b> A blur map holds values in [0, 1] where 1 means blurred. A map of the opposite polarity
/// (1 = sharp) is flipped to <c>1 − v</c> first (<see cref="Polarity.Sharp"/>). 8-bit maps are read as
/// <c>byte / 255</c>. Values outside [0, 1] are clamped; a NaN value is an error.</para>
/// <para><b>Ground truth.</b> A mask is read as <c>byte / 255</c>, flipped if its polarity is
/// <see cref="Polarity.Sharp"/>, then binarized: a pixel is blurred (the positive class) when its value is
/// ≥ <see cref="GroundTruthThreshold"/> (0.5).</para>
/// <para><b>Resizing.</b> Every map is resized to its mask's size with bilinear interpolation (OpenCV
/// <c>INTER_LINEAR</c>: half-pixel centres, no antialiasing) before any figure is computed.</para>
/// <para><b>Quantization.</b> For thresholding, each resized map value is quantized to 256 levels,
/// <c>q = round(255 · v)</c>, exactly as if the map were saved as an 8-bit PNG; for 8-bit maps at the
/// mask's size this changes nothing. The pixel is predicted blurred at threshold <c>t = k / 255</c> when
/// <c>q ≥ k</c>. The fixed threshold 0.5 is <c>k = 128</c>, which is exactly <c>v ≥ 0.5</c>.</para>
/// <para><b>Per-image figures</b> (then averaged over images, each image weighing the same):
/// <list type="bullet">
/// <item><description>MAE: mean over pixels of <c>|v − g|</c>, with <c>v</c> the resized (unquantized) map
/// value and <c>g</c> ∈ {0, 1} the binarized ground truth.</description></item>
/// <item><description>Fβ at the fixed threshold 0.5 with β² = <see cref="BetaSquared"/>, blurred positive:
/// <c>Fβ = (1 + β²)·P·R / (β²·P + R)</c>, and 0 when <c>P = R = 0</c>.</description></item>
/// <item><description>IoU at the fixed threshold 0.5, blurred positive: <c>TP / (TP + FP + FN)</c>.
/// </description></item>
/// </list></para>
/// <para><b>Degenerate cases</b> are decided by vacuous truth, so that a map equal to its ground truth always
/// scores Fβ = IoU = 1 and a wholly wrong map always scores 0:
/// <list type="bullet">
/// <item><description>No predicted blurred pixel (TP + FP = 0): precision = 1 (no false claim).</description></item>
/// <item><description>No blurred pixel in the ground truth (TP + FN = 0): recall = 1 (nothing missed).</description></item>
/// <item><description>Both masks empty (TP + FP + FN = 0): IoU = 1.</description></item>
/// </list>
/// Hence: nothing to find and nothing found → P = R = Fβ = IoU = 1; blur found where there is none → P = 0,
/// Fβ = 0; blur present but none found → R = 0, Fβ = 0.</para>
/// <para><b>PR curve.</b> At each of the <see cref="ThresholdCount"/> thresholds <c>t = k / 255</c>,
/// <c>k = 0 … 255</c>, precision and recall are computed per image (same conventions) and averaged over the
/// dataset. <b>maxF</b> is the maximum over thresholds of the Fβ of the dataset-averaged precision and recall
/// at that threshold (not the average of per-image maxima). Per image, a 256-bin histogram of the quantized
/// map values of the blurred and of the sharp ground-truth pixels is built in one pass; suffix sums of the
/// histograms give TP and FP at every threshold in O(256).</para>
/// </remarks>
public static class EvaluationProtocol
{
    /// <summary>β² of the Fβ measure: 0.3, weighing precision more than recall.</summary>
    public const double BetaSquared = 0.3;

    /// <summary>The fixed threshold of Fβ and IoU: a map value ≥ 0.5 is predicted blurred.</summary>
    public const double FixedThreshold = 0.5;

    /// <summary>A ground-truth value (after polarity) ≥ 0.5 is blurred.</summary>
    public const float GroundTruthThreshold = 0.5f;

    /// <summary>Number of PR-curve thresholds, <c>t = k / 255</c> for <c>k = 0 … 255</c>.</summary>
    public const int ThresholdCount = 256;

    /// <summary>The quantization level <c>k</c> equivalent to <see cref="FixedThreshold"/>:
    /// <c>round(255 · v) ≥ 128</c> exactly when <c>v ≥ 0.5</c>.</summary>
    public const int FixedThresholdLevel = 128;

    /// <summary>The threshold value <c>k / 255</c> of PR-curve level <paramref name="level"/>.</summary>
    public static double ThresholdOfLevel(int level) => level / 255.0;

    /// <summary>Fβ with β² = <see cref="BetaSquared"/>; 0 when precision and recall are both 0.</summary>
    public static double FBeta(double precision, double recall)
    {
        var denominator = BetaSquared * precision + recall;
        return denominator > 0 ? (1 + BetaSquared) * precision * recall / denominator : 0;
    }
}
