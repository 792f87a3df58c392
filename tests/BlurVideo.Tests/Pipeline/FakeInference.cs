using System.Diagnostics;

namespace BlurVideo.Tests.Pipeline;

/// <summary>
/// Stands in for the model: writes a map derived from the frame's pixels (mean brightness of a block per
/// map pixel, scaled to [0, 1]) and takes a fixed time, spinning on the clock like a CPU-bound model.
/// </summary>
internal sealed class FakeInference(TimeSpan inferenceTime, int mapWidth = 32, int mapHeight = 24) : IBlurInference
{
    private readonly double[] _durations = new double[4096];
    private int _calls;

    public TimeSpan InferenceTime { get; } = inferenceTime;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>How long inference of frame <paramref name="sequenceNumber"/> really took (a loaded machine stretches it).</summary>
    public TimeSpan ActualInferenceTime(long sequenceNumber) => TimeSpan.FromMilliseconds(Volatile.Read(ref _durations[sequenceNumber % _durations.Length]));

    public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => (mapWidth, mapHeight);

    public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var pixels = frame.Pixels;
        var values = destination.Values;
        for (var y = 0; y < destination.Height; y++)
        {
            var fy = y * frame.Height / destination.Height;
            for (var x = 0; x < destination.Width; x++)
            {
                var fx = x * frame.Width / destination.Width;
                values[(y * destination.Width) + x] = pixels[(fy * frame.Stride) + (fx * 3) + 1] / 255f;
            }
        }

        while (Stopwatch.GetElapsedTime(start) < InferenceTime)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        Volatile.Write(ref _durations[frame.SequenceNumber % _durations.Length], Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        Interlocked.Increment(ref _calls);
        return start;
    }
}
