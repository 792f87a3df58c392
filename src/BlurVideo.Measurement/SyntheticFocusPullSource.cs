using System.Runtime.CompilerServices;
using BlurVideo.Pipeline;

namespace BlurVideo.Measurement;

/// <summary>
/// A frame source that renders the <see cref="SyntheticFocusPullScene"/>: a focus pull over textured
/// layers with a moving object, with the ground truth of every frame available from <see cref="Scene"/>
/// by sequence number. Finite (<see cref="FrameCount"/>) or endless; as fast as it is read, or live,
/// paced at the scene's frame rate like a camera.
/// </summary>
public sealed class SyntheticFocusPullSource : IFrameSource
{
    private readonly PeriodicTimer? _pace;
    private long _next;

    /// <param name="options">Scene settings; null = the defaults (320×240, seed 1, 25 fps).</param>
    /// <param name="frameCount">Frames to deliver before the end of the stream; null = endless.</param>
    /// <param name="live">Pace frames at the scene's frame rate and report <see cref="IsLive"/>.</param>
    public SyntheticFocusPullSource(SyntheticSceneOptions? options = null, long? frameCount = null, bool live = false)
    {
        if (frameCount is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(frameCount));
        }

        Scene = new SyntheticFocusPullScene(options);
        FrameCount = frameCount;
        IsLive = live;
        Pool = new FramePool(Scene.Width, Scene.Height);
        if (live)
        {
            _pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / Scene.Options.FramesPerSecond));
        }
    }

    /// <summary>The renderer; its <see cref="SyntheticFocusPullScene.RenderLabel"/> gives frame <c>n</c>'s ground truth.</summary>
    public SyntheticFocusPullScene Scene { get; }

    /// <summary>The pool frames are rented from (its <see cref="FramePool.Outstanding"/> count shows leaks).</summary>
    internal FramePool Pool { get; }

    /// <summary>Frames delivered before the end of the stream; null = endless.</summary>
    public long? FrameCount { get; }

    public string Description => $"synthetic focus pull {Scene.Width}x{Scene.Height} seed {Scene.Options.Seed}";

    public bool IsLive { get; }

    public double FramesPerSecond => Scene.Options.FramesPerSecond;

    public FrameSourceKind Kind => FrameSourceKind.Generated;

    // Pooled builder: a paced read suspends on every frame, and must not allocate its state machine each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_next >= FrameCount)
        {
            return null;
        }

        if (_pace is not null)
        {
            await _pace.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var index = _next++;
        var frame = Pool.Rent();
        Scene.Render(index, frame.Pixels, frame.Stride);
        frame.SequenceNumber = index;
        frame.SourceTimestamp = TimeSpan.FromSeconds(index / Scene.Options.FramesPerSecond);
        frame.MarkCaptured();
        return frame;
    }

    /// <summary>The synthetic scene never fails; reopening continues where it was.</summary>
    public ValueTask ReopenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _pace?.Dispose();
        return ValueTask.CompletedTask;
    }
}
