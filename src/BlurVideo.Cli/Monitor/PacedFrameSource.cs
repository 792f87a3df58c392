using System.Runtime.CompilerServices;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Monitor;

/// <summary>Plays a file source at its frame rate, like a camera: live, frames stamped when they are due.</summary>
internal sealed class PacedFrameSource : IFrameSource
{
    private readonly IFrameSource _inner;
    private readonly PeriodicTimer _pace;

    public PacedFrameSource(IFrameSource inner, double fallbackFramesPerSecond)
    {
        _inner = inner;
        var framesPerSecond = inner.FramesPerSecond > 0 ? inner.FramesPerSecond : fallbackFramesPerSecond;
        _pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / framesPerSecond));
    }

    public IFrameSource Inner => _inner;

    public string Description => _inner.Description;

    public bool IsLive => true;

    public double FramesPerSecond => _inner.FramesPerSecond;

    public long? FrameCount => _inner.FrameCount;

    public FrameSourceKind Kind => _inner.Kind;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        await _pace.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        var frame = await _inner.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        frame?.MarkCaptured();
        return frame;
    }

    public ValueTask ReopenAsync(CancellationToken cancellationToken) => _inner.ReopenAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _pace.Dispose();
        return _inner.DisposeAsync();
    }
}
