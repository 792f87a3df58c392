namespace BlurVideo.Tests.Pipeline;

/// <summary>
/// A stand-in for a good but jittery model: the synthetic scene's true label at quarter resolution
/// (0.15 sharp, 0.85 blurred) plus independent per-frame noise, so that consecutive maps flicker.
/// </summary>
internal sealed class NoisyOracleInference(SyntheticFocusPullScene scene, float noise, int seed) : IBlurInference
{
    private readonly byte[] _label = new byte[scene.Width * scene.Height];
    public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => (frameWidth / 4, frameHeight / 4);

    public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
    {
        var preprocessed = System.Diagnostics.Stopwatch.GetTimestamp();
        var sequence = frame.SequenceNumber;
        scene.RenderLabel(sequence, _label);
        var random = new Random(HashCode.Combine(seed, sequence));
        var values = destination.Values;
        for (var y = 0; y < destination.Height; y++)
        {
            for (var x = 0; x < destination.Width; x++)
            {
                var truth = _label[(((y * 4) + 2) * scene.Width) + (x * 4) + 2] == 1 ? 0.85f : 0.15f;
                var jitter = ((float)random.NextDouble() + (float)random.NextDouble() - 1f) * noise;
                values[(y * destination.Width) + x] = Math.Clamp(truth + jitter, 0f, 1f);
            }
        }

        return preprocessed;
    }
}
