using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Report;

/// <summary>
/// A URL reported on (a queued job's input), read once from start to end as a recording. The library takes a network
/// source as live: it reopens it when it stops, which for a file served over HTTP starts it over and never ends. Here the
/// source is not live (no reopening), and its stopping after at least one frame is its end; a drop mid-stream therefore
/// ends the report early, with the frames read so far (the report shows how many).
/// </summary>
internal sealed class RecordingSource(IFrameSource inner) : IFrameSource
{
    private long _frames;

    public string Description => inner.Description;

    public bool IsLive => false;

    public double FramesPerSecond => inner.FramesPerSecond;

    public long? FrameCount => inner.FrameCount;

    public FrameSourceKind Kind => inner.Kind;

    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            var frame = await inner.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (frame is not null)
            {
                _frames++;
            }

            return frame;
        }
        catch (FrameSourceException) when (_frames > 0)
        {
            // The stream stopped delivering frames: its end (a network source has no end-of-stream of its own).
            return null;
        }
    }

    public ValueTask ReopenAsync(CancellationToken cancellationToken) => inner.ReopenAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
