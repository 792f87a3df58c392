using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BlurVideo.Pipeline;

/// <summary>A stage of the pipeline whose duration per frame is measured.</summary>
public enum PipelineStage
{
    /// <summary>Reading one frame from the source.</summary>
    Capture,

    /// <summary>Turning the frame into the model input.</summary>
    Preprocess,

    /// <summary>Running the model.</summary>
    Inference,

    /// <summary>Motion-compensated temporal smoothing and the focus state.</summary>
    Smoothing,
}

/// <summary>
/// Live counters of one pipeline run: frames in / processed / emitted / dropped by reason, reconnects,
/// capture-to-result latency and time per stage. Thread-safe; recording never allocates. Read a consistent
/// copy with <see cref="Snapshot"/>. The same figures are published through the
/// <see cref="System.Diagnostics.Metrics"/> meter named <see cref="MeterName"/>.
/// </summary>
public sealed class PipelineStatistics : IDisposable
{
    /// <summary>Name of the <see cref="Meter"/> the statistics are published on.</summary>
    public const string MeterName = "BlurVideo";

    private static readonly string[] DropReasonTags = ["queue_full", "over_budget"];
    private static readonly string[] StageTags = ["capture", "preprocess", "inference", "smoothing"];

    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly long[] _dropped = new long[DropReasonTags.Length];
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram[] _stages = [new(), new(), new(), new()];
    private readonly Meter _meter;
    private readonly Counter<long> _framesInCounter;
    private readonly Counter<long> _framesProcessedCounter;
    private readonly Counter<long> _framesOutCounter;
    private readonly Counter<long> _droppedCounter;
    private readonly Counter<long> _reconnectCounter;
    private readonly Histogram<double> _latencyHistogram;
    private readonly Histogram<double> _stageHistogram;
    private long _framesIn;
    private long _framesProcessed;
    private long _framesOut;
    private long _staleResults;
    private long _reconnects;
    private long _stopped;

    /// <param name="meterFactory">Creates the meter (dependency injection); null = a meter owned by this object.</param>
    internal PipelineStatistics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _framesInCounter = _meter.CreateCounter<long>("blurvideo.frames.captured", "{frame}", "Frames read from the source.");
        _framesProcessedCounter = _meter.CreateCounter<long>("blurvideo.frames.processed", "{frame}", "Frames that went through inference.");
        _framesOutCounter = _meter.CreateCounter<long>("blurvideo.frames.emitted", "{frame}", "Results handed to the consumer.");
        _droppedCounter = _meter.CreateCounter<long>("blurvideo.frames.dropped", "{frame}", "Frames dropped, tagged by reason.");
        _reconnectCounter = _meter.CreateCounter<long>("blurvideo.source.reconnects", "{reconnect}", "Successful reopenings of a failed live source.");
        _latencyHistogram = _meter.CreateHistogram<double>("blurvideo.frame.latency", "ms", "Capture-to-result latency of emitted results.");
        _stageHistogram = _meter.CreateHistogram<double>("blurvideo.stage.duration", "ms", "Time per frame spent in a stage, tagged by stage.");
        _meter.CreateObservableGauge("blurvideo.frames.rate", () => FramesPerSecond, "{frame}/s", "Results emitted per second since the start.");
    }

    /// <summary>Results emitted per second since the statistics were created.</summary>
    public double FramesPerSecond
    {
        get
        {
            var seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? Interlocked.Read(ref _framesOut) / seconds : 0;
        }
    }

    private TimeSpan Elapsed
    {
        get
        {
            var stopped = Interlocked.Read(ref _stopped);
            return stopped != 0 ? Stopwatch.GetElapsedTime(_started, stopped) : Stopwatch.GetElapsedTime(_started);
        }
    }

    /// <summary>A consistent-enough copy of every figure (allocates; meant for occasional reads).</summary>
    public PipelineStatisticsSnapshot Snapshot()
    {
        var dropped = new Dictionary<FrameDropReason, long>(DropReasonTags.Length);
        for (var i = 0; i < _dropped.Length; i++)
        {
            dropped[(FrameDropReason)i] = Interlocked.Read(ref _dropped[i]);
        }

        var stages = new Dictionary<PipelineStage, LatencySummary>(_stages.Length);
        for (var i = 0; i < _stages.Length; i++)
        {
            stages[(PipelineStage)i] = _stages[i].Summarize();
        }

        return new PipelineStatisticsSnapshot(
            Interlocked.Read(ref _framesIn),
            Interlocked.Read(ref _framesProcessed),
            Interlocked.Read(ref _framesOut),
            dropped,
            Interlocked.Read(ref _staleResults),
            Interlocked.Read(ref _reconnects),
            Elapsed,
            FramesPerSecond,
            _latency.Summarize(),
            stages);
    }

    public void Dispose() => _meter.Dispose();

    internal void FrameCaptured(TimeSpan readTime)
    {
        Interlocked.Increment(ref _framesIn);
        _framesInCounter.Add(1);
        RecordStage(PipelineStage.Capture, readTime);
    }

    internal void FrameProcessed()
    {
        Interlocked.Increment(ref _framesProcessed);
        _framesProcessedCounter.Add(1);
    }

    internal void FrameDropped(FrameDropReason reason)
    {
        Interlocked.Increment(ref _dropped[(int)reason]);
        _droppedCounter.Add(1, new KeyValuePair<string, object?>("reason", DropReasonTags[(int)reason]));
    }

    internal void ResultEmitted(TimeSpan age, bool stale)
    {
        Interlocked.Increment(ref _framesOut);
        if (stale)
        {
            Interlocked.Increment(ref _staleResults);
        }

        _framesOutCounter.Add(1);
        _latency.Record(age);
        _latencyHistogram.Record(age.TotalMilliseconds);
    }

    internal void Reconnected()
    {
        Interlocked.Increment(ref _reconnects);
        _reconnectCounter.Add(1);
    }

    internal void RecordStage(PipelineStage stage, TimeSpan duration)
    {
        _stages[(int)stage].Record(duration);
        _stageHistogram.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("stage", StageTags[(int)stage]));
    }

    /// <summary>Freezes the elapsed time (and so the frame rate) when the run ends.</summary>
    internal void Stop() => Interlocked.CompareExchange(ref _stopped, Stopwatch.GetTimestamp(), 0);
}

/// <summary>The figures of <see cref="PipelineStatistics"/> at one moment.</summary>
/// <param name="FramesIn">Frames read from the source.</param>
/// <param name="FramesProcessed">Frames that went through inference.</param>
/// <param name="FramesOut">Results handed to the consumer.</param>
/// <param name="Dropped">Frames dropped, by reason.</param>
/// <param name="StaleResults">Emitted results older than the latency budget.</param>
/// <param name="Reconnects">Successful reopenings of a failed live source.</param>
/// <param name="Elapsed">Time since the run started (frozen when it ended).</param>
/// <param name="FramesPerSecond">Results per second over <paramref name="Elapsed"/>.</param>
/// <param name="Latency">Capture-to-result latency of emitted results.</param>
/// <param name="Stages">Time per frame in each stage.</param>
public sealed record PipelineStatisticsSnapshot(
    long FramesIn,
    long FramesProcessed,
    long FramesOut,
    IReadOnlyDictionary<FrameDropReason, long> Dropped,
    long StaleResults,
    long Reconnects,
    TimeSpan Elapsed,
    double FramesPerSecond,
    LatencySummary Latency,
    IReadOnlyDictionary<PipelineStage, LatencySummary> Stages)
{
    /// <summary>All dropped frames.</summary>
    public long DroppedTotal => Dropped.Values.Sum();
}
