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
/// <para>Stages connected by bounded channels: capture (reads the source) → frame channel → preprocessing →
/// inference → smoothing → result channel → the consumer (an inference that is not staged preprocesses inside
/// inference). Each frame has one owner at every moment: the source, a channel, a stage, then the consumer inside
/// its result. Frames dropped anywhere are disposed where they are dropped.</para>
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
    private readonly Action<Work> _frameDropped;

    // Tests: replaces the measured inference time (level, measured) the adaptive quality sees, so its steps are deterministic.
    private readonly Func<int, TimeSpan, TimeSpan>? _measuredInferenceTime;
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
    /// <param name="measuredInferenceTime">Tests: the inference time adaptive quality sees for (level, measured time).</param>
    internal BlurPipeline(
        IFrameSource source,
        IBlurInference inference,
        BlurPipelineOptions? options,
        Func<int, int, ITemporalAligner>? createAligner = null,
        ILogger? logger = null,
        Func<int, TimeSpan, TimeSpan>? measuredInferenceTime = null)
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
        _options.AdaptiveQuality?.Validate();
        _measuredInferenceTime = measuredInferenceTime;
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

        var lossless = _latency.DropPolicy == FrameDropPolicy.None;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var frames = CreateFrameChannel();
        var staged = _inference as IStagedInference;

        // Staged inference: a free-input channel holds the input slots no stage owns. Preprocessing takes a slot
        // before it takes a frame, inference hands it back after the run. Lossless: three slots, so the next frames
        // are prepared while one runs. Live: one, so the frame prepared is the newest when inference is free (a
        // prepared frame waiting behind a running one would age by a whole inference); preprocessing then overlaps
        // smoothing and the consumer.
        var slotCount = lossless ? 3 : 1;
        var inputs = staged is null ? [] : new InferenceInput[slotCount];
        var freeInputs = CreateChannel<InferenceInput>(Math.Max(1, inputs.Length));
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = staged!.CreateInput();
            freeInputs.Writer.TryWrite(inputs[i]);
        }

        var prepared = staged is null ? frames : CreateChannel<Work>(slotCount);
        var inferred = CreateChannel<Work>(lossless ? 2 : 1);
        var results = CreateChannel<BlurResult>(lossless ? 2 : 1);
        var quality = CreateQualityController();

        EnsureWorkerThreads(stageCount: 5);

        // Channel waits take no token (a cancellable wait allocates per call); cancelling completes the
        // channels instead, which wakes every waiter.
        var channels = new StageChannels(frames, prepared, freeInputs, inferred, results);
        using var closeOnStop = stop.Token.UnsafeRegister(static state => ((StageChannels)state!).CompleteAll(), channels);
        Task[] stages =
        [
            Task.Run(() => CaptureAsync(frames.Writer, stop.Token), CancellationToken.None),
            staged is null
                ? Task.CompletedTask
                : Task.Run(() => PreprocessAsync(staged, frames.Reader, freeInputs.Reader, prepared.Writer, quality, stop.Token), CancellationToken.None),
            Task.Run(() => InferAsync(prepared.Reader, freeInputs.Writer, inferred.Writer, quality, stop.Token), CancellationToken.None),
            Task.Run(() => SmoothAsync(inferred.Reader, results.Writer, stop.Token), CancellationToken.None),
        ];
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
            await Task.WhenAll(stages).ConfigureAwait(false);
            channels.DisposeQueued();
            foreach (var input in inputs)
            {
                input.Dispose();
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

    private Channel<Work> CreateFrameChannel()
    {
        var options = new BoundedChannelOptions(_latency.QueueCapacity)
        {
            FullMode = _latency.DropPolicy == FrameDropPolicy.None ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        };
        return Channel.CreateBounded(options, _frameDropped);
    }

    private static Channel<T> CreateChannel<T>(int capacity) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });

    /// <summary>
    /// The stages block their threads (a capture read, the network, the flow) while they work. With the thread pool's
    /// default minimum of one worker per core, a two-core machine then waits for the pool to add threads (about one
    /// per half second) and live frames age past their budget; so the minimum is raised, never lowered, to the cores
    /// plus one thread per stage and the consumer.
    /// </summary>
    private static void EnsureWorkerThreads(int stageCount)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var needed = Environment.ProcessorCount + stageCount;
        if (workers < needed)
        {
            ThreadPool.SetMinThreads(needed, completionPorts);
        }
    }

    private AdaptiveQualityController? CreateQualityController()
    {
        if (_options.AdaptiveQuality is not { } adaptive || _inference is not IStagedInference)
        {
            return null;
        }

        var target = adaptive.Target
            ?? (_source.FramesPerSecond > 0 ? TimeSpan.FromSeconds(1 / _source.FramesPerSecond) : _latency.Budget / 4);
        return new AdaptiveQualityController(adaptive, target);
    }

    private void OnFrameDropped(Work work)
    {
        Statistics.FrameDropped(FrameDropReason.QueueFull);
        work.Dispose();
    }

    /// <summary>Reads the source into the frame channel; completes the channel when the source ends or fails.</summary>
    private async Task CaptureAsync(ChannelWriter<Work> frames, CancellationToken cancellationToken)
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
                    await WriteOrDisposeAsync(frames, new Work(frame)).ConfigureAwait(false);
                }
                else if (!frames.TryWrite(new Work(frame)))
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

    /// <summary>
    /// Preprocessing stage (staged inference only): takes a free input slot, then the next frame, and prepares the
    /// frame into the slot at the adaptive-quality level's size while the inference stage runs the previous slot.
    /// </summary>
    private async Task PreprocessAsync(
        IStagedInference inference, ChannelReader<Work> frames, ChannelReader<InferenceInput> freeInputs, ChannelWriter<Work> prepared,
        AdaptiveQualityController? quality, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var dropLate = _latency.DropPolicy != FrameDropPolicy.None;
        InferenceInput? input = null;
        try
        {
            while (true)
            {
                while (input is null && !freeInputs.TryRead(out input))
                {
                    if (!await freeInputs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        return; // Stopping: the slot channel was closed.
                    }
                }

                Work work;
                while (!frames.TryRead(out work))
                {
                    if (!await frames.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        return; // The source ended; the slot is disposed with the others.
                    }
                }

                if (dropLate && work.Frame.Age > _latency.Budget)
                {
                    Statistics.FrameDropped(FrameDropReason.OverBudget);
                    work.Dispose();
                    continue; // Keeps the slot for the next frame.
                }

                try
                {
                    var level = quality?.Level ?? 0;
                    var start = Stopwatch.GetTimestamp();
                    inference.Prepare(work.Frame, input, quality?.ScaleOf(level) ?? 1f);
                    Statistics.RecordStage(PipelineStage.Preprocess, Stopwatch.GetElapsedTime(start));
                    work = work with { Input = input, Level = level };
                    input = null;
                }
                catch
                {
                    work.Dispose();
                    throw;
                }

                await WriteOrDisposeAsync(prepared, work).ConfigureAwait(false);
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
            prepared.TryComplete(failure);
        }
    }

    /// <summary>Inference stage: runs the network on each prepared frame (or the whole unstaged inference) into a pooled map.</summary>
    private async Task InferAsync(
        ChannelReader<Work> prepared, ChannelWriter<InferenceInput> freeInputs, ChannelWriter<Work> inferred,
        AdaptiveQualityController? quality, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var dropLate = _latency.DropPolicy != FrameDropPolicy.None;
        try
        {
            while (await prepared.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (prepared.TryRead(out var work))
                {
                    if (dropLate && work.Frame.Age > _latency.Budget)
                    {
                        Statistics.FrameDropped(FrameDropReason.OverBudget);
                        ReleaseInput(freeInputs, ref work);
                        work.Dispose();
                        continue;
                    }

                    try
                    {
                        work = Infer(work, freeInputs, quality, cancellationToken);
                    }
                    catch
                    {
                        ReleaseInput(freeInputs, ref work);
                        work.Dispose();
                        throw;
                    }

                    await WriteOrDisposeAsync(inferred, work).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            inferred.TryComplete(failure);
        }
    }

    /// <summary>Runs the network on the work's prepared input (or on its frame) into a map rented here.</summary>
    private Work Infer(Work work, ChannelWriter<InferenceInput> freeInputs, AdaptiveQualityController? quality, CancellationToken cancellationToken)
    {
        var map = RentMap(work.Frame);
        try
        {
            var start = Stopwatch.GetTimestamp();
            if (work.Input is { } input)
            {
                ((IStagedInference)_inference).Infer(input, map, cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(start);
                Statistics.RecordStage(PipelineStage.Inference, elapsed);
                work = work with { Map = map, InputWidth = input.Width, InputHeight = input.Height };
                ReleaseInput(freeInputs, ref work);
                quality?.Observe(work.Level, _measuredInferenceTime?.Invoke(work.Level, elapsed) ?? elapsed);
            }
            else
            {
                var preprocessed = _inference.Run(work.Frame, map, cancellationToken);
                var inferredAt = Stopwatch.GetTimestamp();
                Statistics.RecordStage(PipelineStage.Preprocess, Stopwatch.GetElapsedTime(start, preprocessed));
                Statistics.RecordStage(PipelineStage.Inference, Stopwatch.GetElapsedTime(preprocessed, inferredAt));
                work = work with { Map = map, InputWidth = map.Width, InputHeight = map.Height };
            }
        }
        catch
        {
            map.Dispose(); // The caller disposes the frame and releases the input; the map is this method's.
            throw;
        }

        Statistics.FrameProcessed();
        return work;
    }

    /// <summary>Hands the work's input slot back to the preprocessing stage (a closed channel means the run is stopping).</summary>
    private static void ReleaseInput(ChannelWriter<InferenceInput> freeInputs, ref Work work)
    {
        if (work.Input is { } input)
        {
            freeInputs.TryWrite(input);
            work = work with { Input = null };
        }
    }

    /// <summary>Smoothing stage: temporal smoothing in order, then the result for the consumer.</summary>
    private async Task SmoothAsync(ChannelReader<Work> inferred, ChannelWriter<BlurResult> results, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var smoother = new TemporalSmoother(_options.Smoothing, _createAligner);
        var epoch = Volatile.Read(ref _sourceEpoch);
        try
        {
            while (await inferred.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (inferred.TryRead(out var work))
                {
                    var currentEpoch = Volatile.Read(ref _sourceEpoch);
                    if (currentEpoch != epoch)
                    {
                        smoother.Reset();
                        epoch = currentEpoch;
                    }

                    BlurResult result;
                    try
                    {
                        var start = Stopwatch.GetTimestamp();
                        var sceneCut = smoother.Apply(work.Frame, work.Map!);
                        Statistics.RecordStage(PipelineStage.Smoothing, Stopwatch.GetElapsedTime(start));
                        result = _results.Rent(work.Frame, work.Map!, sceneCut);
                        result.QualityLevel = work.Level;
                        result.InputWidth = work.InputWidth;
                        result.InputHeight = work.InputHeight;
                    }
                    catch
                    {
                        work.Dispose();
                        throw;
                    }

                    await WriteOrDisposeAsync(results, result).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
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

    private BlurMap RentMap(VideoFrame frame)
    {
        var (width, height) = _inference.GetMapSize(frame.Width, frame.Height);
        if (_maps is null || _maps.Width != width || _maps.Height != height)
        {
            _maps = new BlurMapPool(width, height);
        }

        return _maps.Rent();
    }

    /// <summary>One frame on its way through the stages; exactly one stage or channel holds it at a time.</summary>
    private readonly record struct Work(VideoFrame Frame) : IDisposable
    {
        public InferenceInput? Input { get; init; }

        public BlurMap? Map { get; init; }

        public int Level { get; init; }

        public int InputWidth { get; init; }

        public int InputHeight { get; init; }

        /// <summary>Returns the frame and the map to their pools (the input slot goes back separately).</summary>
        public void Dispose()
        {
            Frame.Dispose();
            Map?.Dispose();
        }
    }

    /// <summary>The channels between the stages: completed together when the run stops, drained at its end.</summary>
    private sealed class StageChannels(
        Channel<Work> frames, Channel<Work> prepared, Channel<InferenceInput> freeInputs, Channel<Work> inferred, Channel<BlurResult> results)
    {
        public void CompleteAll()
        {
            frames.Writer.TryComplete();
            prepared.Writer.TryComplete();
            freeInputs.Writer.TryComplete();
            inferred.Writer.TryComplete();
            results.Writer.TryComplete();
        }

        /// <summary>Disposes what the stopped stages left in the channels (every stage has ended).</summary>
        public void DisposeQueued()
        {
            Drain(frames);
            Drain(prepared);
            Drain(inferred);
            while (results.Reader.TryRead(out var result))
            {
                result.Dispose();
            }
        }

        private static void Drain(Channel<Work> channel)
        {
            while (channel.Reader.TryRead(out var work))
            {
                work.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live source {Source} failed; reopening it.")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live source {Source} reopened after {Attempts} attempt(s).")]
    private static partial void LogSourceReopened(ILogger logger, string source, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reopening {Source} failed (attempt {Attempt}).")]
    private static partial void LogReopenFailed(ILogger logger, Exception exception, string source, int attempt);
}
