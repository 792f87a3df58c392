namespace BlurVideo.Measurement.Evaluation;

/// <summary>The figures of one image at the fixed threshold 0.5 (see <see cref="EvaluationProtocol"/>).</summary>
/// <param name="Name">The file-name stem shared by the map and the mask.</param>
/// <param name="Width">Width of the ground-truth mask, the size at which the image was scored.</param>
/// <param name="Height">Height of the ground-truth mask.</param>
/// <param name="Mae">Mean absolute error between the map and the binarized ground truth.</param>
/// <param name="Precision">Precision of the blurred class at threshold 0.5.</param>
/// <param name="Recall">Recall of the blurred class at threshold 0.5.</param>
/// <param name="FBeta">Fβ (β² = 0.3) at threshold 0.5.</param>
/// <param name="IoU">Intersection over union of the blurred class at threshold 0.5.</param>
public sealed record ImageScore(
    string Name, int Width, int Height, double Mae, double Precision, double Recall, double FBeta, double IoU);

/// <summary>One point of the dataset-averaged PR curve.</summary>
/// <param name="Threshold">The threshold <c>k / 255</c>; a pixel is predicted blurred when its quantized value
/// is at least this.</param>
/// <param name="Precision">Precision averaged over images.</param>
/// <param name="Recall">Recall averaged over images.</param>
/// <param name="FBeta">Fβ (β² = 0.3) of the averaged precision and recall.</param>
public readonly record struct PrecisionRecallPoint(double Threshold, double Precision, double Recall, double FBeta);
