using System.Diagnostics;
using BlurVideo.Tests.Inference;
using BlurVideo.Tests.Pipeline;
using NUnit.Framework;

namespace BlurVideo.Tests.Faults;

/// <summary>
/// Faults injected at every stage of <see cref="BlurPipeline"/>: the source dies, stalls or returns degenerate sizes,
/// the model or the consumer throws, the consumer is slow, the disk fills, the run is cancelled at each stage. Each
/// ends with the right exception, the results emitted before it in order, and every frame, map and result back in
/// its pool (no leak).
/// </summary>
[TestFixture]
[Category("Faults")]
public sealed class PipelineFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_source_that_dies_mid_stream_ends_with_a_source_exception_after_the_frames_it_read()
    {
        var pool = new FramePool(96, 72);
        var source = new ScriptedSource((index, _) => index < 10
            ? ValueTask.FromResult<VideoFrame?>(ScriptedSource.Frame(pool, index))
            : throw new IOException("device unplugged"));
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));

        var (sequence, failure) = await DrainAsync(pipeline);

        Assert.Multiple(() =>
        {
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
            Assert.That(failure, Is.InstanceOf<FrameSourceException>());
            Assert.That(((FrameSourceException)failure!).FramesDelivered, Is.EqualTo(10));
            Assert.That(failure!.InnerException, Is.InstanceOf<IOException>());
            AssertNoLeak(pipeline, pool);
        });
    }

    [Test]
    public async Task A_live_source_that_dies_and_stays_dead_gives_up_after_its_reconnect_attempts()
    {
        var pool = new FramePool(96, 72);
        var source = new ScriptedSource((index, _) => index < 5
            ? ValueTask.FromResult<VideoFrame?>(ScriptedSource.Frame(pool, index))
            : throw new IOException("stream lost"), live: true, reopen: () => throw new IOException("still lost"));
        var options = new BlurPipelineOptions { Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxAttempts = 2 } };
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero), options);

        var (_, failure) = await DrainAsync(pipeline);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<FrameSourceException>().And.Message.Contain("after 2 attempts"));
            AssertNoLeak(pipeline, pool);
        });
    }

    [Test]
    public async Task A_stalled_source_is_cancelled_and_its_pending_read_ends()
    {
        var pool = new FramePool(96, 72);
        var stalledReadCancelled = new TaskCompletionSource();
        var source = new ScriptedSource(async (index, token) =>
        {
            if (index < 5)
            {
                return ScriptedSource.Frame(pool, index);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                stalledReadCancelled.TrySetResult();
            }

            return null;
        });
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        using var stop = new CancellationTokenSource();

        var (sequence, failure) = await DrainAsync(pipeline, (result, count) =>
        {
            if (count == 5)
            {
                stop.CancelAfter(TimeSpan.FromMilliseconds(50));
            }
        }, stop.Token);

        Assert.Multiple(() =>
        {
            Assert.That(sequence, Has.Count.EqualTo(5));
            Assert.That(failure, Is.InstanceOf<OperationCanceledException>());
            Assert.That(stalledReadCancelled.Task.IsCompleted, Is.True, "the stalled read saw the cancellation");
            AssertNoLeak(pipeline, pool);
        });
    }

    /// <summary>Degenerate and changing frame sizes through the real detector (own size) with motion-compensated smoothing.</summary>
    [Test]
    public async Task Degenerate_and_changing_frame_sizes_are_each_processed_at_their_own_map_size()
    {
        (int Width, int Height)[] sizes = [(1, 1), (2, 3), (97, 31), (3, 500), (500, 3), (96, 72), (96, 72), (1, 1), (96, 72)];
        var pools = sizes.Distinct().ToDictionary(size => size, size => new FramePool(size.Width, size.Height));
        var source = new ScriptedSource((index, _) => ValueTask.FromResult(
            index < sizes.Length ? ScriptedSource.Frame(pools[sizes[index]], index) : null));
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        await using var pipeline = new BlurPipeline(source, detector);

        var mapSizes = new List<(int, int)>();
        var (sequence, failure) = await DrainAsync(pipeline, each: (result, _) =>
        {
            mapSizes.Add((result.Map.Width, result.Map.Height));
            Assert.That(result.Map.Values.ToArray(), Has.All.InRange(0f, 1f));
        });

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.Null);
            Assert.That(sequence, Has.Count.EqualTo(sizes.Length));
            Assert.That(mapSizes, Is.EqualTo(sizes.Select(size => detector.GetInputSize(size.Width, size.Height))));
            Assert.That(pools.Values.Select(pool => pool.Outstanding), Has.All.Zero);
            Assert.That(pipeline.OutstandingMaps, Is.Zero);
            Assert.That(pipeline.OutstandingResults, Is.Zero);
        });
    }

    [Test]
    public async Task A_model_that_throws_mid_run_ends_the_stream_with_its_exception_after_the_frames_before()
    {
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 20);
        var failure = new BlurVideoException("the model failed");
        await using var pipeline = PipelineTestKit.Create(source, new FaultyInference(7, failure));

        var (sequence, thrown) = await DrainAsync(pipeline);

        Assert.Multiple(() =>
        {
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(0, 7).Select(i => (long)i)));
            Assert.That(thrown, Is.SameAs(failure));
            AssertNoLeak(pipeline, source.Pool);
        });
    }

    [Test]
    public async Task A_consumer_that_throws_stops_the_pipeline_and_releases_everything()
    {
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 50);
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));

        var (sequence, failure) = await DrainAsync(pipeline, each: (result, count) =>
        {
            if (count == 5)
            {
                throw new InvalidOperationException("consumer bug");
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(sequence, Has.Count.EqualTo(5));
            Assert.That(failure, Is.InstanceOf<InvalidOperationException>().And.Message.EqualTo("consumer bug"));
            AssertNoLeak(pipeline, source.Pool);
        });
    }

    /// <summary>
    /// Live: a consumer slower than the source never makes the pipeline hold more than a few frames, and every frame
    /// read is processed or dropped and returned. (Whether frames are dropped or the source waits for a pooled frame
    /// depends on the machine's timing, so the count of drops is not asserted.)
    /// </summary>
    [Test]
    public async Task A_slow_consumer_of_a_live_source_holds_few_frames_and_every_frame_is_accounted_for_and_released()
    {
        var pool = new FramePool(96, 72);
        var source = new ScriptedSource(async (index, token) =>
        {
            await Task.Delay(2, token);
            return ScriptedSource.Frame(pool, index);
        }, live: true);
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        var mostHeld = 0;

        var (sequence, failure) = await DrainAsync(pipeline, each: (_, count) =>
        {
            mostHeld = Math.Max(mostHeld, pool.Outstanding);
            Thread.Sleep(20);
            if (count == 15)
            {
                throw new OperationCanceledException("enough");
            }
        });

        var statistics = pipeline.Statistics.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(sequence, Is.Ordered.Ascending);
            Assert.That(failure, Is.InstanceOf<OperationCanceledException>());
            Assert.That(statistics.FramesIn, Is.EqualTo(statistics.FramesProcessed + statistics.DroppedTotal).Within(3));
            // The frame being read + frame channel (1) + inference + inferred channel (1) + smoothing + result
            // channel (1) + the consumer's: how many the slow consumer lets pile up depends on the machine's timing.
            Assert.That(mostHeld, Is.LessThanOrEqualTo(7));
            AssertNoLeak(pipeline, pool);
        });
    }

    [TestCase(Stage.BeforeStart)]
    [TestCase(Stage.Capture)]
    [TestCase(Stage.Inference)]
    [TestCase(Stage.ResultsWaiting)]
    [TestCase(Stage.ConsumerHoldsResult)]
    [TestCase(Stage.ReconnectBackoff)]
    public async Task Cancelling_at_any_stage_ends_the_run_and_releases_everything(Stage stage)
    {
        var pool = new FramePool(96, 72);
        var inferenceStarted = new SemaphoreSlim(0);
        var source = new ScriptedSource(async (index, token) => stage switch
        {
            Stage.Capture when index >= 2 => await Stall(token),
            Stage.ReconnectBackoff when index >= 2 => throw new IOException("lost"),
            _ => ScriptedSource.Frame(pool, index),
        }, live: stage == Stage.ReconnectBackoff);
        var options = new BlurPipelineOptions
        {
            Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(1) },
        };
        IBlurInference inference = stage == Stage.Inference
            ? new SignallingInference(inferenceStarted, TimeSpan.FromMinutes(1))
            : new FakeInference(TimeSpan.Zero);
        await using var pipeline = PipelineTestKit.Create(source, inference, options);
        using var stop = new CancellationTokenSource();
        if (stage == Stage.BeforeStart)
        {
            await stop.CancelAsync();
        }

        var started = Stopwatch.GetTimestamp();
        var run = DrainAsync(pipeline, (_, count) =>
        {
            if (stage == Stage.ConsumerHoldsResult && count == 1)
            {
                stop.Cancel();
            }
            else if (stage == Stage.ResultsWaiting && count == 1)
            {
                // The consumer lingers while the stages fill their channels, then cancels.
                Thread.Sleep(200);
                stop.Cancel();
            }
        }, stop.Token);
        if (stage == Stage.Inference)
        {
            await inferenceStarted.WaitAsync(Patience);
            await stop.CancelAsync();
        }
        else if (stage is Stage.Capture or Stage.ReconnectBackoff)
        {
            while (source.Reads < 3)
            {
                await Task.Delay(5);
            }

            await stop.CancelAsync();
        }

        var (_, failure) = await run.WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<OperationCanceledException>());
            Assert.That(Stopwatch.GetElapsedTime(started), Is.LessThan(Patience));
            AssertNoLeak(pipeline, pool);
        });
    }

    public enum Stage
    {
        BeforeStart,
        Capture,
        Inference,
        ResultsWaiting,
        ConsumerHoldsResult,
        ReconnectBackoff,
    }

    private static async Task<VideoFrame?> Stall(CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
        return null;
    }

    /// <summary>Enumerates the whole run; returns the sequence numbers emitted and the exception that ended it (null = the end of the source).</summary>
    private static async Task<(List<long> Sequence, Exception? Failure)> DrainAsync(
        BlurPipeline pipeline, Action<BlurResult, int>? each = null, CancellationToken cancellationToken = default)
    {
        var sequence = new List<long>();
        try
        {
            await foreach (var result in pipeline.RunAsync(cancellationToken))
            {
                using (result)
                {
                    sequence.Add(result.SequenceNumber);
                    each?.Invoke(result, sequence.Count);
                }
            }

            return (sequence, null);
        }
        catch (Exception ex)
        {
            return (sequence, ex);
        }
    }

    private static void AssertNoLeak(BlurPipeline pipeline, FramePool pool)
    {
        Assert.That(pool.Outstanding, Is.Zero, "frames not returned to their pool");
        Assert.That(pipeline.OutstandingMaps, Is.Zero, "maps not returned to their pool");
        Assert.That(pipeline.OutstandingResults, Is.Zero, "results not returned to their pool");
    }

    /// <summary>A model that says when a run starts and takes <paramref name="duration"/> unless cancelled.</summary>
    private sealed class SignallingInference(SemaphoreSlim started, TimeSpan duration) : IBlurInference
    {
        public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => (32, 24);

        public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
        {
            var preprocessed = Stopwatch.GetTimestamp();
            started.Release();
            cancellationToken.WaitHandle.WaitOne(duration);
            cancellationToken.ThrowIfCancellationRequested();
            return preprocessed;
        }
    }
}
