namespace BlurVideo;

/// <summary>
/// One frame's outcome: the frame itself, its (smoothed) blur map, and how late it is.
/// </summary>
/// <remarks>
/// <b>Ownership.</b> The consumer that receives a result from <see cref="Pipeline.BlurPipeline.RunAsync"/> owns it,
/// and with it <see cref="Frame"/> and <see cref="Map"/>. Dispose it when done (before asking for many more
/// results: the pools are small), which returns the frame, the map and the result object to their pools.
/// Do not keep references to any of the three after disposing.
/// </remarks>
public sealed class BlurResult : IDisposable
{
    private readonly ResultPool _pool;
    private VideoFrame? _frame;
    private BlurMap? _map;

    internal BlurResult(ResultPool pool) => _pool = pool;

    /// <summary>The frame the map belongs to (BGR8).</summary>
    public VideoFrame Frame => _frame ?? throw new ObjectDisposedException(nameof(BlurResult));

    /// <summary>The blur map at model resolution, 1 = blurred; temporally smoothed unless smoothing is off.</summary>
    public BlurMap Map => _map ?? throw new ObjectDisposedException(nameof(BlurResult));

    /// <inheritdoc cref="VideoFrame.SequenceNumber"/>
    public long SequenceNumber { get; private set; }

    /// <inheritdoc cref="VideoFrame.SourceTimestamp"/>
    public TimeSpan SourceTimestamp { get; private set; }

    /// <summary>Capture-to-result time: how old the frame was when the result was handed to the consumer.</summary>
    public TimeSpan Age { get; internal set; }

    /// <summary>The result exceeded the latency budget (<see cref="Age"/> &gt; <see cref="Pipeline.LatencyPolicy.Budget"/>).</summary>
    public bool Stale { get; internal set; }

    /// <summary>Temporal smoothing discarded its history at this frame because the scene changed.</summary>
    public bool SceneCut { get; private set; }

    /// <summary>The adaptive-quality level the frame ran at: 0 = full quality, higher = a smaller network input.</summary>
    public int QualityLevel { get; internal set; }

    /// <summary>Width of the network input the frame ran at (the map keeps the full-quality size).</summary>
    public int InputWidth { get; internal set; }

    /// <summary>Height of the network input the frame ran at.</summary>
    public int InputHeight { get; internal set; }

    /// <summary>Returns the frame, the map and this object to their pools. Calling it again is a no-op.</summary>
    public void Dispose()
    {
        var frame = Interlocked.Exchange(ref _frame, null);
        if (frame is null)
        {
            return;
        }

        frame.Dispose();
        _map?.Dispose();
        _map = null;
        _pool.Return(this);
    }

    internal void Initialize(VideoFrame frame, BlurMap map, bool sceneCut)
    {
        _frame = frame;
        _map = map;
        SequenceNumber = frame.SequenceNumber;
        SourceTimestamp = frame.SourceTimestamp;
        SceneCut = sceneCut;
        Age = TimeSpan.Zero;
        Stale = false;
    }
}

/// <summary>Reuses <see cref="BlurResult"/> objects so that emitting results allocates nothing in steady state.</summary>
internal sealed class ResultPool
{
    private const int MaxRetained = 16;
    private readonly Lock _gate = new();
    private readonly Stack<BlurResult> _available = new(MaxRetained);
    private int _outstanding;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public BlurResult Rent(VideoFrame frame, BlurMap map, bool sceneCut)
    {
        BlurResult? result;
        lock (_gate)
        {
            _available.TryPop(out result);
            _outstanding++;
        }

        result ??= new BlurResult(this);
        result.Initialize(frame, map, sceneCut);
        return result;
    }

    public void Return(BlurResult result)
    {
        lock (_gate)
        {
            _outstanding--;
            if (_available.Count < MaxRetained)
            {
                _available.Push(result);
            }
        }
    }
}
