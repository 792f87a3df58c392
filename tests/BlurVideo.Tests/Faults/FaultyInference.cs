using BlurVideo.Tests.Pipeline;

namespace BlurVideo.Tests.Faults;

/// <summary>The fake model, failing with <paramref name="failure"/> on call number <paramref name="failAt"/> (0-based).</summary>
internal sealed class FaultyInference(int failAt, Exception failure, TimeSpan inferenceTime = default) : IBlurInference
{
    private readonly FakeInference _inner = new(inferenceTime);
    private int _calls;

    public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => _inner.GetMapSize(frameWidth, frameHeight);

    public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _calls) - 1 == failAt)
        {
            throw failure;
        }

        return _inner.Run(frame, destination, cancellationToken);
    }
}
