using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

[TestFixture]
public class BlurMapEvaluatorTests
{
    private const double Tolerance = 1e-6;

    // 2×4 image. Ground truth: the first four pixels blurred. Quantized map levels (round(255·v)):
    // blurred pixels {255, 204, 102, 0}, sharp pixels {153, 51, 0, 0}.
    private static readonly byte[] PartialMask = [255, 255, 255, 255, 0, 0, 0, 0];
    private static readonly float[] PartialMap = [1.0f, 0.8f, 0.4f, 0.0f, 0.6f, 0.2f, 0.0f, 0.0f];

    [Test]
    public void Perfect_map_scores_mae_0_fbeta_1_iou_1()
    {
        var evaluator = new BlurMapEvaluator();
        var score = evaluator.Add("perfect", Normalized(PartialMask), Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);

        Assert.That(score.Mae, Is.EqualTo(0).Within(Tolerance));
        Assert.That(score.FBeta, Is.EqualTo(1).Within(Tolerance));
        Assert.That(score.IoU, Is.EqualTo(1).Within(Tolerance));
        Assert.That(evaluator.CreateReport().MaxF, Is.EqualTo(1).Within(Tolerance));
    }

    [Test]
    public void Inverted_map_scores_fbeta_0_iou_0_mae_1()
    {
        var inverted = Normalized(PartialMask).Select(value => 1 - value).ToArray();
        var score = new BlurMapEvaluator().Add("inverted", inverted, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);

        Assert.That(score.FBeta, Is.EqualTo(0).Within(Tolerance));
        Assert.That(score.IoU, Is.EqualTo(0).Within(Tolerance));
        Assert.That(score.Mae, Is.EqualTo(1).Within(Tolerance));
    }

    [Test]
    public void Partial_map_matches_hand_computed_figures()
    {
        // At 0.5 the predicted blurred pixels are 1.0, 0.8 (blurred in GT) and 0.6 (sharp in GT): TP = 2, FP = 1,
        // FN = 2 (0.4 and 0.0). P = 2/3, R = 2/4. Fβ = 1.3·(2/3)(1/2) / (0.3·2/3 + 1/2) = (13/30) / (7/10) = 13/21.
        // IoU = 2 / (2 + 1 + 2) = 0.4. MAE = (0 + 0.2 + 0.6 + 1 + 0.6 + 0.2 + 0 + 0) / 8 = 2.6 / 8 = 0.325.
        var score = new BlurMapEvaluator().Add("partial", PartialMap, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);

        Assert.That(score.Precision, Is.EqualTo(2.0 / 3).Within(Tolerance));
        Assert.That(score.Recall, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(score.FBeta, Is.EqualTo(13.0 / 21).Within(Tolerance));
        Assert.That(score.IoU, Is.EqualTo(0.4).Within(Tolerance));
        Assert.That(score.Mae, Is.EqualTo(0.325).Within(Tolerance));
        Assert.That((score.Name, score.Width, score.Height), Is.EqualTo(("partial", 4, 2)));
    }

    [Test]
    public void Partial_map_pr_curve_and_maxf_match_hand_computed_values()
    {
        // Levels k (threshold k/255) → TP, FP (of 4 blurred, 4 sharp) → P, R, F:
        //   k = 0        → 4, 4 → 0.5,  1    → 0.65 / 1.15
        //   k = 1..51    → 3, 2 → 0.6,  0.75 → 0.585 / 0.93
        //   k = 52..102  → 3, 1 → 0.75, 0.75 → 0.75
        //   k = 103..153 → 2, 1 → 2/3,  0.5  → 13/21
        //   k = 154..204 → 2, 0 → 1,    0.5  → 0.65 / 0.8 = 0.8125  ← maxF, first reached at k = 154
        //   k = 205..255 → 1, 0 → 1,    0.25 → 0.325 / 0.55
        var evaluator = new BlurMapEvaluator();
        evaluator.Add("partial", PartialMap, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);
        var report = evaluator.CreateReport();
        var curve = report.PrecisionRecallCurve;

        Assert.That(curve, Has.Count.EqualTo(256));
        (int Level, double Precision, double Recall)[] expected =
            [(0, 0.5, 1), (1, 0.6, 0.75), (51, 0.6, 0.75), (52, 0.75, 0.75), (102, 0.75, 0.75),
             (103, 2.0 / 3, 0.5), (153, 2.0 / 3, 0.5), (154, 1, 0.5), (204, 1, 0.5), (205, 1, 0.25), (255, 1, 0.25)];
        foreach (var (level, precision, recall) in expected)
        {
            Assert.That(curve[level].Threshold, Is.EqualTo(level / 255.0).Within(1e-12), $"threshold of level {level}");
            Assert.That(curve[level].Precision, Is.EqualTo(precision).Within(Tolerance), $"precision at level {level}");
            Assert.That(curve[level].Recall, Is.EqualTo(recall).Within(Tolerance), $"recall at level {level}");
        }

        Assert.That(report.MaxF, Is.EqualTo(0.8125).Within(Tolerance));
        Assert.That(report.MaxFThreshold, Is.EqualTo(154 / 255.0).Within(1e-12));
    }

    [Test]
    public void Dataset_figures_are_means_of_per_image_figures()
    {
        // Image 2 has no blur and the map finds none: P = R = Fβ = IoU = 1, MAE = 0 (vacuous conventions).
        var evaluator = new BlurMapEvaluator();
        evaluator.Add("partial", PartialMap, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);
        evaluator.Add("all-sharp", new float[4], Polarity.Blur, new byte[4], Polarity.Blur, 2, 2);
        var report = evaluator.CreateReport();

        Assert.That(report.ImageCount, Is.EqualTo(2));
        Assert.That(report.Mae, Is.EqualTo(0.325 / 2).Within(Tolerance));
        Assert.That(report.FBeta, Is.EqualTo((13.0 / 21 + 1) / 2).Within(Tolerance));
        Assert.That(report.IoU, Is.EqualTo((0.4 + 1) / 2).Within(Tolerance));
        // At k = 154 the averaged P = (1 + 1) / 2, R = (0.5 + 1) / 2 → F = 1.3·0.75 / (0.3 + 0.75) = 0.928571…
        Assert.That(report.PrecisionRecallCurve[154].FBeta, Is.EqualTo(1.3 * 0.75 / 1.05).Within(Tolerance));
    }

    [Test]
    public void Blur_predicted_where_there_is_none_scores_precision_0()
    {
        var score = new BlurMapEvaluator().Add(
            "false-alarm", [0.9f, 0.1f, 0.1f, 0.1f], Polarity.Blur, new byte[4], Polarity.Blur, 2, 2);

        Assert.That(score.Precision, Is.EqualTo(0));
        Assert.That(score.Recall, Is.EqualTo(1), "nothing to find is nothing missed");
        Assert.That(score.FBeta, Is.EqualTo(0));
        Assert.That(score.IoU, Is.EqualTo(0));
    }

    [Test]
    public void Blur_present_but_none_found_scores_recall_0()
    {
        var score = new BlurMapEvaluator().Add(
            "missed", new float[4], Polarity.Blur, [255, 255, 0, 0], Polarity.Blur, 2, 2);

        Assert.That(score.Precision, Is.EqualTo(1), "no claim is no false claim");
        Assert.That(score.Recall, Is.EqualTo(0));
        Assert.That(score.FBeta, Is.EqualTo(0));
        Assert.That(score.IoU, Is.EqualTo(0));
        Assert.That(score.Mae, Is.EqualTo(0.5).Within(Tolerance));
    }

    [Test]
    public void Threshold_half_counts_as_blurred_and_one_level_below_does_not()
    {
        // Ground truth all blurred; 0.5 → level 128 → predicted blurred; 127/255 → level 127 → not.
        var score = new BlurMapEvaluator().Add(
            "edge", [0.5f, 127f / 255f], Polarity.Blur, [255, 255], Polarity.Blur, 2, 1);

        Assert.That(score.Recall, Is.EqualTo(0.5));
    }

    [Test]
    public void Mask_is_binarized_at_half_for_either_polarity()
    {
        // Blur polarity: 128/255 ≥ 0.5 is blurred, 127/255 is sharp. Sharp polarity flips: 1 − 127/255 ≥ 0.5.
        float[] map = [1f, 0f];
        var blur = new BlurMapEvaluator().Add("blur", map, Polarity.Blur, [128, 127], Polarity.Blur, 2, 1);
        var sharp = new BlurMapEvaluator().Add("sharp", map, Polarity.Blur, [127, 128], Polarity.Sharp, 2, 1);

        Assert.That(blur.FBeta, Is.EqualTo(1));
        Assert.That(sharp.FBeta, Is.EqualTo(1));
    }

    [Test]
    public void Sharp_polarity_map_and_mask_give_the_same_figures_as_blur_polarity()
    {
        var sharpMap = PartialMap.Select(value => 1 - value).ToArray();
        var sharpMask = PartialMask.Select(value => (byte)(255 - value)).ToArray();
        var reference = new BlurMapEvaluator().Add("x", PartialMap, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);

        var flippedMap = new BlurMapEvaluator().Add("x", sharpMap, Polarity.Sharp, PartialMask, Polarity.Blur, 4, 2);
        var flippedMask = new BlurMapEvaluator().Add("x", PartialMap, Polarity.Blur, sharpMask, Polarity.Sharp, 4, 2);
        var flippedBoth = new BlurMapEvaluator().Add("x", sharpMap, Polarity.Sharp, sharpMask, Polarity.Sharp, 4, 2);
        var wrongFlag = new BlurMapEvaluator().Add("x", sharpMap, Polarity.Blur, PartialMask, Polarity.Blur, 4, 2);

        foreach (var flipped in new[] { flippedMap, flippedMask, flippedBoth })
        {
            Assert.That(flipped.Mae, Is.EqualTo(reference.Mae).Within(Tolerance));
            Assert.That(flipped.FBeta, Is.EqualTo(reference.FBeta).Within(Tolerance));
            Assert.That(flipped.IoU, Is.EqualTo(reference.IoU).Within(Tolerance));
        }

        Assert.That(wrongFlag.FBeta, Is.Not.EqualTo(reference.FBeta).Within(0.05), "the flag must matter");
    }

    [Test]
    public void Histogram_pr_curve_equals_brute_force_thresholding()
    {
        const int width = 37, height = 23;
        var random = new Random(7);
        var map = new float[width * height];
        var mask = new byte[width * height];
        for (var i = 0; i < map.Length; i++)
        {
            mask[i] = random.Next(3) == 0 ? (byte)255 : (byte)0;
            map[i] = Math.Clamp((mask[i] == 255 ? 0.65f : 0.35f) + (float)(random.NextDouble() - 0.5), 0, 1);
        }

        var evaluator = new BlurMapEvaluator();
        var score = evaluator.Add("random", map, Polarity.Blur, mask, Polarity.Blur, width, height);
        var curve = evaluator.CreateReport().PrecisionRecallCurve;

        for (var level = 0; level < 256; level++)
        {
            // Brute force: one pass per threshold, comparing v ≥ (k − 0.5) / 255, the quantized rule on raw values.
            double truePositives = 0, falsePositives = 0, blurred = 0;
            for (var i = 0; i < map.Length; i++)
            {
                var predicted = map[i] * 255.0 >= level - 0.5;
                blurred += mask[i] == 255 ? 1 : 0;
                truePositives += predicted && mask[i] == 255 ? 1 : 0;
                falsePositives += predicted && mask[i] == 0 ? 1 : 0;
            }

            var precision = truePositives + falsePositives == 0 ? 1 : truePositives / (truePositives + falsePositives);
            Assert.That(curve[level].Precision, Is.EqualTo(precision).Within(1e-12), $"precision at level {level}");
            Assert.That(curve[level].Recall, Is.EqualTo(truePositives / blurred).Within(1e-12), $"recall at level {level}");
            if (level == 128)
            {
                Assert.That(score.Precision, Is.EqualTo(precision).Within(1e-12));
            }
        }

        var mae = map.Select((value, i) => Math.Abs(value - mask[i] / 255.0)).Average();
        Assert.That(score.Mae, Is.EqualTo(mae).Within(1e-9));
    }

    [Test]
    public void Recall_is_non_increasing_in_threshold_and_full_at_zero()
    {
        var random = new Random(11);
        var evaluator = new BlurMapEvaluator();
        for (var image = 0; image < 3; image++)
        {
            var map = Enumerable.Range(0, 400).Select(_ => (float)random.NextDouble()).ToArray();
            var mask = Enumerable.Range(0, 400).Select(_ => (byte)(random.Next(2) * 255)).ToArray();
            evaluator.Add($"random{image}", map, Polarity.Blur, mask, Polarity.Blur, 20, 20);
        }

        var curve = evaluator.CreateReport().PrecisionRecallCurve;

        Assert.That(curve[0].Recall, Is.EqualTo(1));
        for (var level = 1; level < curve.Count; level++)
        {
            Assert.That(curve[level].Recall, Is.LessThanOrEqualTo(curve[level - 1].Recall), $"level {level}");
            Assert.That(curve[level].Threshold, Is.GreaterThan(curve[level - 1].Threshold));
        }

        Assert.That(curve[^1].Recall, Is.LessThan(0.1));
    }

    [Test]
    public void Values_outside_the_unit_range_are_clamped_and_nan_is_rejected()
    {
        var clamped = new BlurMapEvaluator().Add("clamped", [1.5f, -0.5f], Polarity.Blur, [255, 0], Polarity.Blur, 2, 1);
        Assert.That(clamped.Mae, Is.EqualTo(0));

        var error = Assert.Throws<InvalidDataException>(() =>
            new BlurMapEvaluator().Add("broken", [float.NaN, 0f], Polarity.Blur, [255, 0], Polarity.Blur, 2, 1));
        Assert.That(error.Message, Does.Contain("broken").And.Contain("NaN"));
    }

    [Test]
    public void Size_mismatch_is_rejected_with_the_image_name()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new BlurMapEvaluator().Add("wrong-size", new float[6], Polarity.Blur, new byte[8], Polarity.Blur, 4, 2));
        Assert.That(error.Message, Does.Contain("wrong-size"));
    }

    [Test]
    public void Report_of_no_images_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => new BlurMapEvaluator().CreateReport());
    }

    private static float[] Normalized(byte[] mask) => mask.Select(value => value / 255f).ToArray();
}
