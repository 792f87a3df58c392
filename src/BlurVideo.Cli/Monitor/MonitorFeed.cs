using System.Diagnostics;
using BlurVideo.Cli.Commands;
using BlurVideo.Focus;
using BlurVideo.Imaging;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Monitor;

/// <summary>One frame as the page shows it: its figures (the pixels live in the feed's buffer).</summary>
internal readonly record struct MonitorFrameInfo(
    long Version, int Width, int Height, long CaptureTimestamp, FocusReading Reading, double FramesPerSecond,
    double AgeMs, LatencySummary? Display, int StateChanges);

/// <summary>
/// Runs the pipeline for the monitor: every result goes through the <see cref="FocusAssist"/> and the
/// <see cref="OverlayComposer"/> with the current <see cref="OverlayOptions"/>, and the newest overlaid frame (RGBA)
/// with its figures is kept for the viewers. Options set by a viewer apply from the next frame.
/// </summary>
internal sealed class MonitorFeed : IDisposable
{
    public const int MaxEvents = 8;

    private readonly Lock _gate = new();
    private readonly FocusAssist _focus;
    private readonly OverlayComposer _composer = new();
    private readonly LatencyHistogram _display = new();
    private readonly FocusStateChange[] _events = new FocusStateChange[MaxEvents];
    private readonly List<Action> _subscribers = [];
    private OverlayOptions _overlay;
    private byte[] _bgr = [];
    private byte[] _rgba = [];
    private MonitorFrameInfo _info;
    private int _eventCount;
    private int _resetPeak;
    private long _summarized;

    public MonitorFeed(OverlayOptions overlay, FocusAssistOptions? focus = null)
    {
        overlay.Validate();
        _overlay = overlay;
        _focus = new FocusAssist(focus);
        _focus.StateChanged += (_, change) =>
        {
            lock (_gate)
            {
                _events[_eventCount % MaxEvents] = change;
                _eventCount++;
            }
        };
    }

    public OverlayOptions Overlay
    {
        get => Volatile.Read(ref _overlay);
        set
        {
            value.Validate();
            Volatile.Write(ref _overlay, value);
        }
    }

    public FocusAssistOptions FocusOptions => _focus.Options;

    /// <summary>Set when the source has ended or failed; the last frame stays on show.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Capture-to-display latency reported by the pages.</summary>
    public LatencyHistogram DisplayLatency => _display;

    public long FramesShown { get; private set; }

    /// <summary>Starts a new peak-hold from the next frame.</summary>
    public void ResetPeak() => Interlocked.Exchange(ref _resetPeak, 1);

    /// <summary>Called (on the feed's thread) after each new frame; keep it short.</summary>
    public void Subscribe(Action onFrame)
    {
        lock (_gate)
        {
            _subscribers.Add(onFrame);
        }
    }

    public void Unsubscribe(Action onFrame)
    {
        lock (_gate)
        {
            _subscribers.Remove(onFrame);
        }
    }

    /// <summary>Consumes the pipeline until it ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(BlurPipeline pipeline, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var result in pipeline.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                using (result)
                {
                    Show(result, pipeline.Statistics);
                }
            }

            EndReason = "the source ended";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            EndReason = "stopped";
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            EndReason = ex.Message;
        }

        Notify();
    }

    /// <summary>Copies the newest frame (RGBA) and its figures; false before the first frame or when nothing is newer than <paramref name="after"/>.</summary>
    public bool TryCopyLatest(long after, ref byte[] destination, out MonitorFrameInfo info, Span<FocusStateChange> events, out int eventCount, Span<float> zones)
    {
        lock (_gate)
        {
            info = _info;
            eventCount = _eventCount;
            if (_info.Version == 0 || _info.Version == after)
            {
                return false;
            }

            if (destination.Length != _rgba.Length)
            {
                destination = new byte[_rgba.Length];
            }

            _rgba.CopyTo(destination, 0);
            for (var i = 0; i < Math.Min(events.Length, Math.Min(_eventCount, MaxEvents)); i++)
            {
                events[i] = _events[(_eventCount - 1 - i) % MaxEvents];
            }

            _focus.ZoneScores.CopyTo(zones);
            return true;
        }
    }

    /// <summary>Records a page's report that it displayed the frame captured at <paramref name="captureTimestamp"/>.</summary>
    public void RecordDisplayed(long captureTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        if (captureTimestamp > 0 && captureTimestamp <= now)
        {
            _display.Record(Stopwatch.GetElapsedTime(captureTimestamp, now));
        }
    }

    public void Dispose() => _composer.Dispose();

    private void Show(BlurResult result, PipelineStatistics statistics)
    {
        var frame = result.Frame;
        var map = result.Map;
        if (Interlocked.Exchange(ref _resetPeak, 0) == 1)
        {
            _focus.ResetPeak();
        }

        var overlay = Overlay;
        var size = frame.Width * frame.Height;
        if (_bgr.Length != size * 3)
        {
            _bgr = GC.AllocateUninitializedArray<byte>(size * 3);
        }

        frame.Pixels.CopyTo(_bgr);
        var reading = _focus.Update(result);
        _composer.Compose(_bgr, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height,
            _focus.ZoneScores, _focus.Options.GridColumns, overlay);
        // The display summary allocates, so it is refreshed once a second, not per frame.
        var display = _info.Display;
        if (display is null || Stopwatch.GetElapsedTime(_summarized) > TimeSpan.FromSeconds(1))
        {
            display = _display.Summarize();
            _summarized = Stopwatch.GetTimestamp();
        }

        lock (_gate)
        {
            if (_rgba.Length != size * 4)
            {
                _rgba = GC.AllocateUninitializedArray<byte>(size * 4);
            }

            for (int i = 0, j = 0; i < size * 3; i += 3, j += 4)
            {
                _rgba[j] = _bgr[i + 2];
                _rgba[j + 1] = _bgr[i + 1];
                _rgba[j + 2] = _bgr[i];
                _rgba[j + 3] = 255;
            }

            _info = new MonitorFrameInfo(
                _info.Version + 1, frame.Width, frame.Height, frame.CaptureTimestamp, reading, statistics.FramesPerSecond,
                result.Age.TotalMilliseconds, display, _eventCount);
        }

        FramesShown++;
        Notify();
    }

    private void Notify()
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber();
            }
        }
    }
}
