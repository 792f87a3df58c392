namespace BlurVideo.Tests.Pipeline;

/// <summary>
/// Wraps a synthetic source and fails on purpose: after every <c>failEvery</c> frames the read throws, and
/// the next <c>failedReopens</c> reopen attempts throw too before one succeeds.
/// </summary>
internal sealed class FaultInjectingSource(SyntheticFocusPullSource inner, int failEvery, int failedReopens, bool live) : IFrameSource
{
    private int _sinceFailure;
    private int _reopenFailuresLeft;
    private bool _broken;

    public int Failures { get; private set; }

    public int ReopenAttempts { get; private set; }

    public string Description => "fault-injecting " + inner.Description;

    public bool IsLive => live;

    public double FramesPerSecond => inner.FramesPerSecond;

    public long? FrameCount => inner.FrameCount;

    public FrameSourceKind Kind => live ? FrameSourceKind.Camera : inner.Kind;

    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_broken)
        {
            throw new FrameSourceException("The device is gone.");
        }

        if (_sinceFailure == failEvery)
        {
            _sinceFailure = 0;
            _broken = true;
            _reopenFailuresLeft = failedReopens;
            Failures++;
            throw new IOException("Simulated read failure.");
        }

        _sinceFailure++;
        return await inner.ReadFrameAsync(cancellationToken);
    }

    public ValueTask ReopenAsync(CancellationToken cancellationToken)
    {
        ReopenAttempts++;
        if (_reopenFailuresLeft > 0)
        {
            _reopenFailuresLeft--;
            throw new FrameSourceException("Still gone.");
        }

        _broken = false;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
