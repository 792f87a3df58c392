using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// A live source whose blocking reads and reopens run on the thread pool, so that cancellation (Ctrl+C, a signal,
/// <c>--duration</c>) does not wait for them: a read of a stalled stream blocks in FFmpeg until its timeout (30 s),
/// and the pipeline's stop waits for its capture task. A read abandoned by cancellation is taken up by the next
/// call; at disposal its frame and the source are released when it returns.
/// </summary>
/// <remarks>Costs a task per frame (a few hundred bytes), at a camera's or stream's rate.</remarks>
internal sealed class DetachedFrameSource(IFrameSource inner) : IFrameSource
{
    private Task<VideoFrame?>? _read;
    private Task? _reopen;

    public IFrameSource Inner => inner;

    public string Description => inner.Description;

    public bool IsLive => inner.IsLive;

    public double FramesPerSecond => inner.FramesPerSecond;

    public long? FrameCount => inner.FrameCount;

    public FrameSourceKind Kind => inner.Kind;

    public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        _read ??= Task.Run(() => inner.ReadFrameAsync(CancellationToken.None).AsTask(), CancellationToken.None);
        var read = _read;
        try
        {
            var frame = await read.WaitAsync(cancellationToken).ConfigureAwait(false);
            _read = null;
            return frame;
        }
        catch (OperationCanceledException) when (!read.IsCompleted)
        {
            throw; // the read stays pending for the next call or for disposal
        }
        catch
        {
            _read = null;
            if (read.IsCompletedSuccessfully)
            {
                read.Result?.Dispose();
            }

            throw;
        }
    }

    public async ValueTask ReopenAsync(CancellationToken cancellationToken)
    {
        _reopen = Task.Run(() => inner.ReopenAsync(CancellationToken.None).AsTask(), CancellationToken.None);
        await _reopen.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        var pending = (Task?)_read ?? _reopen;
        if (pending is null || pending.IsCompleted)
        {
            (_read?.IsCompletedSuccessfully == true ? _read.Result : null)?.Dispose();
            return inner.DisposeAsync();
        }

        // Still blocked in native code: release the frame and the source when the call returns.
        AbandonedCalls.Track(pending.ContinueWith(
            static (task, state) =>
            {
                ((task as Task<VideoFrame?>)?.IsCompletedSuccessfully == true ? ((Task<VideoFrame?>)task).Result : null)?.Dispose();
                return ((IFrameSource)state!).DisposeAsync().AsTask();
            },
            inner,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap());
        return ValueTask.CompletedTask;
    }
}
