namespace BlurVideo.Tests.Faults;

/// <summary>
/// A frame source whose every read is scripted: <c>read(index, token)</c> returns the index-th frame, null for the end,
/// throws, or never completes; <c>reopen</c> (default: succeed) is what a reopen attempt does.
/// </summary>
internal sealed class ScriptedSource(
    Func<int, CancellationToken, ValueTask<VideoFrame?>> read, bool live = false, Func<ValueTask>? reopen = null) : IFrameSource
{
    private int _reads;

    /// <summary>Reads started so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public bool Disposed { get; private set; }

    public string Description => "scripted source";

    public bool IsLive => live;

    public double FramesPerSecond => 25;

    public long? FrameCount => null;

    public FrameSourceKind Kind => live ? FrameSourceKind.Camera : FrameSourceKind.Generated;

    /// <summary>A frame of <paramref name="pool"/>'s size with a pattern that depends on <paramref name="index"/>.</summary>
    public static VideoFrame Frame(FramePool pool, int index)
    {
        var frame = pool.Rent();
        var pixels = frame.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 7) + (index * 13));
        }

        frame.SequenceNumber = index;
        frame.SourceTimestamp = TimeSpan.FromSeconds(index / 25.0);
        frame.MarkCaptured();
        return frame;
    }

    public ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken) =>
        read(Interlocked.Increment(ref _reads) - 1, cancellationToken);

    public ValueTask ReopenAsync(CancellationToken cancellationToken) => reopen?.Invoke() ?? ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
