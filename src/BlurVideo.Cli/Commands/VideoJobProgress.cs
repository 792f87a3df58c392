using System.Diagnostics;

namespace BlurVideo.Cli.Commands;

/// <summary>Rate-limited progress: at most a few updates per second, and one at the end.</summary>
internal sealed class ProgressReport(Action<long, double> report)
{
    private static readonly long Interval = Stopwatch.Frequency / 2;
    private long _last = Stopwatch.GetTimestamp();

    public void Frame(long frames, double framesPerSecond)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _last >= Interval)
        {
            _last = now;
            report(frames, framesPerSecond);
        }
    }

    public void Final(long frames, double framesPerSecond) => report(frames, framesPerSecond);
}
