using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BlurVideo.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlurVideo.Pipeline;

/// <summary>
/// Runs a frame source through preprocessing, inference and temporal smoothing and hands out one
/// <see cref="BlurResult"/> per processed frame, as an <see cref="IAsyncEnumerable{T}"/>.
/// </summary>
/// <remarks>
/// <para>Two tasks connected by bounded channels: capture (reads the source) → frame channel → processing
/// (preprocess, inference, smoothing) → result channel → the consumer. Each frame has one owner at every
/// moment: the source, then the channel, then the processing stage, then the consumer inside its result.
/// Frames dropped anywhere are disposed where they are dropped.</para>
/// <para><b>Live</b> (<see cref="FrameDropPolicy.DropOldest"/>, the default for live sources): the frame
/// channel holds 1–2 frames and drops the oldest when a new one arrives; a frame older than the
/// <see cref="LatencyPolicy.Budget"/> when inference would start is dropped; failed sources are reopened
/// with backoff. <b>Lossless</b> (the default for files): every frame is processed in order and a slow
/// consumer slows the source down; a source failure ends the stream with a <see cref="FrameSourceException"/>
/// after the frames read before it have been emitted.</para>
/// <para>Cancelling the enumeration (its token, or disposing the enumerator) stops both tasks, disposes every
/// frame and map still in the pipeline and completes within about 100 ms plus the inference already running. A
/// source's read must honour the token it is given; a read that never returns holds the run open.</para>
/// <para><b>Threads</b>: a pipeline runs once (<see cref="RunAsync"/>) for one consumer; its <see cref="Statistics"/>
/// may be read from any thread. Several pipelines may share one <see cref="BlurDetector"/>, which serializes their
/// frames (each gets its own frames' maps); for parallel throughput give each pipeline its own detector.</para>
/// </remarks>
public sealed partial class BlurPipeline : IAsyncDisposable
{
    private readonly IFrameSource _source;
    private readonly IBlurInference _inference;
    private readonly BlurPipelineOptions _options;
    private readonly LatencyPolicy _latency;
    private readonly Func<int, int, ITemporalAligner> _createAligner;
    private readonly ILogger _logger;
    private readonly ResultPool _results = new();
    private readonly Action<VideoFrame> _frameDropped;
    private BlurMapPool? _maps;
    private int _sourceEpoch;
    private int _started;

    /// <summary>A pipeline that runs <paramref name="detector"/> on every frame of <paramref name="source"/>.</summary>
    /// <param name="source">The frames; disposed with the pipeline unless <see cref="BlurPipelineOptions.LeaveSourceOpen"/>.</param>
    /// <param name="detector">The model; not disposed by the pipeline. It may be shared with other pipelines (see the remarks).</param>
    /// <param name="options">Settings; null = defaults for the source.</param>
    /// <param name="logger">Receives reconnect warnings.</param>
    public BlurPipeline(IFrameSource source, BlurDetector detector, BlurPipelineOptions? options = null, ILogger? logger = null)
        : this(source, (IBlurInference)detector, options, createAligner: null, logger)
    {
    }

    /// <param name="source">The frames; disposed with the pipeline unless <see cref="BlurPipelineOptions.LeaveSourceOpen"/>.</param>
    /// <param name="inference">Turns frames into blur maps; not disposed by the pipeline.</param>
    /// <param name="options">Settings; null = defaults for the source.</param>
    /// <param name="createAligner">Creates the aligner for a map size; null = DIS optical flow (or none when
    /// <see cref="TemporalSmoothingOptions.MotionCompensation"/> is off).</param>
    /// <param name="logger">Receives reconnect warnings.</param>
    internal BlurPipeline(
        IFrameSource source,
        IBlurInference inference,
        BlurPipelineOptions? options,
        Func<int, int, ITemporalAligner>? createAligner = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inference);
        _source = source;
        _inference = inference;
        _options = options ?? new BlurPipelineOptions();
        _latency = _options.Latency ?? LatencyPolicy.For(source);
        _latency.Validate();
        _options.Smoothing.Validate();
        _options.Reconnect.Validate();
        _createAligner = createAligner ?? DefaultAligner(_options.Smoothing);
        _logger = logger ?? NullLogger.Instance;
        _frameDropped = OnFrameDropped;
        Statistics = new PipelineStatistics(_options.MeterFactory);
    }

    /// <summary>Live figures of the run (also published on the <c>BlurVideo</c> meter).</summary>
    public PipelineStatistics Statistics { get; }

    /// <summary>The latency policy in effect (the options' or the source's default).</summary>
    public LatencyPolicy LatencyPolicy => _latency;

    /// <summary>Maps currently rented by results the consumer has not disposed (for leak checks).</summary>
    internal int OutstandingMaps => _maps?.Outstanding ?? 0;

    /// <summary>Results handed out and not yet disposed.</summary>
    internal int OutstandingResults => _results.Outstanding;

    /// <summary>
    /// Starts the pipeline and yields its results. Can be enumerated once. The consumer owns each result
    /// and must dispose it.
    /// </summary>
    /// <exception cref="FrameSourceException">A lossless source failed, or a live source could not be reopened within the reconnect policy.</exception>
    public async IAsyncEnumerable<BlurResult> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("A BlurPipeline runs once; create a new one to run again.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var frames = CreateFrameChannel();
        var results = Channel.CreateBounded<BlurResult>(new BoundedChannelOptions(_latency.DropPolicy == FrameDropPolicy.None ? 2 : 1)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });

        // Channel waits take no token (a cancellable wait allocates per call); cancelling completes the
        // channels instead, which wakes every waiter.
        using var closeOnStop = stop.Token.UnsafeRegister(
            static state =>
            {
                var (frameChannel, resultChannel) = ((Channel<VideoFrame>, Channel<BlurResult>))state!;
                frameChannel.Writer.TryComplete();
                resultChannel.Writer.TryComplete();
            },
            (frames, results));
        var capture = Task.Run(() => CaptureAsync(frames.Writer, stop.Token), CancellationToken.None);
        var processing = Task.Run(() => ProcessAsync(frames.Reader, results.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await results.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                // Cancelling completes the channel, but results already in it must not be handed out.
                while (!cancellationToken.IsCancellationRequested && results.Reader.TryRead(out var result))
                {
                    var age = result.Frame.Age;
                    var stale = age > _latency.Budget;
                    result.Age = age;
                    result.Stale = stale;
                    Statistics.ResultEmitted(age, stale);
                    yield return result;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(capture, processing).ConfigureAwait(false);
            while (frames.Reader.TryRead(out var frame))
            {
                frame.Dispose();
            }

            while (results.Reader.TryRead(out var result))
            {
                result.Dispose();
            }

            Statistics.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_options.LeaveSourceOpen)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        Statistics.Dispose();
    }

    private static Func<int, int, ITemporalAligner> DefaultAligner(TemporalSmoothingOptions smoothing) =>
        smoothing.MotionCompensation
            ? static (width, height) => new DisFlowAligner(width, height)
            : static (_, _) => new UncompensatedAligner();

    private Channel<VideoFrame> CreateFrameChannel()
    {
        var options = new BoundedChannelOptions(_latency.QueueCapacity)
        {
            FullMode = _latency.DropPolicy == FrameDropPolicy.None ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        };
        return Channel.CreateBounded(options, _frameDropped);
    }

    private void OnFrameDropped(VideoFrame frame)
    {
        Statistics.FrameDropped(FrameDropReason.QueueFull);
        frame.Dispose();
    }

    /// <summary>Reads the source into the frame channel; completes the channel when the source ends or fails.</summary>
    private async Task CaptureAsync(ChannelWriter<VideoFrame> frames, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        long delivered = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                VideoFrame? frame;
                var readStart = Stopwatch.GetTimestamp();
                try
                {
                    frame = await _source.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && _source.IsLive)
                {
                    await ReopenAsync(ex, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (frame is null)
                {
                    break;
                }

                if (frame.CaptureTimestamp == 0)
                {
                    frame.MarkCaptured();
                }

                delivered++;
                Statistics.FrameCaptured(Stopwatch.GetElapsedTime(readStart));
                if (_latency.DropPolicy == FrameDropPolicy.None)
                {
                    await WriteOrDisposeAsync(frames, frame).ConfigureAwait(false);
                }
                else if (!frames.TryWrite(frame))
                {
                    frame.Dispose();
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: cancelled waits and writes into the closed channels end here.
        }
        catch (FrameSourceException ex)
        {
            failure = ex;
        }
        catch (Exception ex)
        {
            failure = new FrameSourceException($"Reading '{_source.Description}' failed after {delivered} frames: {ex.Message}", ex)
            {
                SourceDescription = _source.Description,
                FramesDelivered = delivered,
            };
        }
        finally
        {
            frames.TryComplete(failure);
        }
    }

    /// <summary>Hands the item to the channel, or disposes it when the channel was closed (the run is stopping).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask WriteOrDisposeAsync<T>(ChannelWriter<T> writer, T item)
        where T : IDisposable
    {
        try
        {
            await writer.WriteAsync(item, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            item.Dispose();
            throw;
        }
    }

    /// <summary>Reopens a failed live source with backoff; throws when the reconnect policy gives up.</summary>
    private async Task ReopenAsync(Exception failure, CancellationToken cancellationToken)
    {
        var policy = _options.Reconnect;
        LogSourceFailed(_logger, failure, _source.Description);
        for (var attempt = 1; ; attempt++)
        {
            await Task.Delay(policy.DelayForAttempt(attempt), cancellationToken).ConfigureAwait(false);
            try
            {
                await _source.ReopenAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _sourceEpoch);
                Statistics.Reconnected();
                LogSourceReopened(_logger, _source.Description, attempt);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt >= policy.MaxAttempts)
                {
                    throw new FrameSourceException($"Live source '{_source.Description}' could not be reopened after {attempt} attempts: {ex.Message}", ex)
                    {
                        SourceDescription = _source.Description,
                    };
                }

                LogReopenFailed(_logger, ex, _source.Description, attempt);
            }
        }
    }

    /// <summary>Takes frames from the channel, runs inference and smoothing, and writes results; completes the result channel.</summary>
    private async Task ProcessAsync(ChannelReader<VideoFrame> frames, ChannelWriter<BlurResult> results, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var smoother = new TemporalSmoother(_options.Smoothing, _createAligner);
        var epoch = Volatile.Read(ref _sourceEpoch);
        var dropLate = _latency.DropPolicy != FrameDropPolicy.None;
        try
        {
            while (await frames.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (frames.TryRead(out var frame))
                {
                    if (dropLate && frame.Age > _latency.Budget)
                    {
                        Statistics.FrameDropped(FrameDropReason.OverBudget);
                        frame.Dispose();
                        continue;
                    }

                    var currentEpoch = Volatile.Read(ref _sourceEpoch);
                    if (currentEpoch != epoch)
                    {
                        smoother.Reset();
                        epoch = currentEpoch;
                    }

                    var result = Process(frame, smoother, cancellationToken);
                    await WriteOrDisposeAsync(results, result).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: cancelled waits and writes into the closed channels end here.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            smoother.Dispose();
            results.TryComplete(failure);
        }
    }

    /// <summary>Preprocess, inference and smoothing of one frame; takes ownership of the frame.</summary>
    private BlurResult Process(VideoFrame frame, TemporalSmoother smoother, CancellationToken cancellationToken)
    {
        BlurMap? map = null;
        try
        {
            map = RentMap(frame);
            var start = Stopwatch.GetTimestamp();
            var preprocessed = _inference.Run(frame, map, cancellationToken);
            var inferred = Stopwatch.GetTimestamp();
            Statistics.FrameProcessed();
            var sceneCut = smoother.Apply(frame, map);
            var smoothed = Stopwatch.GetTimestamp();
            Statistics.RecordStage(PipelineStage.Preprocess, Stopwatch.GetElapsedTime(start, preprocessed));
            Statistics.RecordStage(PipelineStage.Inference, Stopwatch.GetElapsedTime(preprocessed, inferred));
            Statistics.RecordStage(PipelineStage.Smoothing, Stopwatch.GetElapsedTime(inferred, smoothed));
            return _results.Rent(frame, map, sceneCut);
        }
        catch
        {
            map?.Dispose();
            frame.Dispose();
            throw;
        }
    }

    private BlurMap RentMap(VideoFrame frame)
    {
        var (width, height) = _inference.GetMapSize(frame.Width, frame.Height);
        if (_maps is null || _maps.Width != width || _maps.Height != height)
        {
            _maps = new BlurMapPool(width, height);
        }

        return _maps.Rent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live source {Source} failed; reopening it.")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live source {Source} reopened after {Attempts} attempt(s).")]
    private static partial void LogSourceReopened(ILogger logger, string source, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reopening {Source} failed (attempt {Attempt}).")]
    private static partial void LogReopenFailed(ILogger logger, Exception exception, string source, int attempt);
}
