namespace BlurVideo.Tests.Pipeline;

/// <summary>
/// A stand-in for an ideal steady model: no noise, and a blur probability that rises smoothly with the scene's
/// true circle of confusion, crossing 0.5 exactly at the label's threshold
/// (<c>sigmoid((radius − threshold) / softness)</c>), at 1 / <paramref name="downscale"/> of the frame's size.
/// </summary>
internal sealed class CalibratedOracleInference(SyntheticFocusPullScene scene, float softness, int downscale = 4) : IBlurInference
{
    private readonly float[] _radius = new float[scene.Width * scene.Height];
    public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => (frameWidth / downscale, frameHeight / downscale);

    public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
    {
        var preprocessed = System.Diagnostics.Stopwatch.GetTimestamp();
        var sequence = frame.SequenceNumber;
        scene.RenderBlurRadius(sequence, _radius);
        var values = destination.Values;
        for (var y = 0; y < destination.Height; y++)
        {
            for (var x = 0; x < destination.Width; x++)
            {
                var radius = _radius[(((y * downscale) + (downscale / 2)) * scene.Width) + (x * downscale) + (downscale / 2)];
                values[(y * destination.Width) + x] = 1f / (1f + MathF.Exp(-(radius - scene.BlurredRadiusThresholdPixels) / softness));
            }
        }

        return preprocessed;
    }
}
