namespace BlurVideo.Measurement.Evaluation;

/// <summary>The dataset figures of an evaluation, computed by <see cref="BlurMapEvaluator"/> under
/// <see cref="EvaluationProtocol"/>.</summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(
        IReadOnlyList<ImageScore> images, IReadOnlyList<PrecisionRecallPoint> precisionRecallCurve)
    {
        Images = images;
        PrecisionRecallCurve = precisionRecallCurve;
        Mae = images.Average(image => image.Mae);
        FBeta = images.Average(image => image.FBeta);
        IoU = images.Average(image => image.IoU);
        var best = precisionRecallCurve[0];
        foreach (var point in precisionRecallCurve)
        {
            if (point.FBeta > best.FBeta)
            {
                best = point;
            }
        }

        MaxF = best.FBeta;
        MaxFThreshold = best.Threshold;
    }

    /// <summary>Number of images scored.</summary>
    public int ImageCount => Images.Count;

    /// <summary>Mean over images of the per-image MAE.</summary>
    public double Mae { get; }

    /// <summary>Mean over images of the per-image Fβ at threshold 0.5.</summary>
    public double FBeta { get; }

    /// <summary>Mean over images of the per-image IoU at threshold 0.5.</summary>
    public double IoU { get; }

    /// <summary>Maximum over the 256 thresholds of the Fβ of the dataset-averaged precision and recall.</summary>
    public double MaxF { get; }

    /// <summary>The threshold at which <see cref="MaxF"/> is reached (the lowest one on ties).</summary>
    public double MaxFThreshold { get; }

    /// <summary>The dataset-averaged PR curve, one point per threshold <c>k / 255</c>, ascending.</summary>
    public IReadOnlyList<PrecisionRecallPoint> PrecisionRecallCurve { get; }

    /// <summary>The per-image figures, in the order the images were added.</summary>
    public IReadOnlyList<ImageScore> Images { get; }
}
