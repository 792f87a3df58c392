namespace BlurVideo.Measurement.Evaluation;

/// <summary>What a high value (white, 1 or 255) means in a blur map or a ground-truth mask.</summary>
public enum Polarity
{
    /// <summary>High = blurred (BlurVideo's own maps and the usual DBD masks).</summary>
    Blur,

    /// <summary>High = sharp (in focus); values are flipped to <c>1 − v</c> before scoring.</summary>
    Sharp,
}
