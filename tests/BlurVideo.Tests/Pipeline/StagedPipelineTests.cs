using BlurVideo.Tests.Inference;
using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

/// <summary>
/// The staged pipeline with the real detector (the tiny fixture model) on the synthetic focus pull: preprocessing
/// into pooled input slots on one stage while inference runs another slot must give every frame its own map, in
/// order; and adaptive quality steps down under slow inference and back up when there is room, with the measured
/// inference times injected so that the steps do not depend on the machine's speed.
/// </summary>
[TestFixture]
public sealed class StagedPipelineTests
{
    [Test]
    public async Task Overlapped_stages_give_each_frame_the_map_it_gives_alone_in_order()
    {
        const int frames = 40;
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var references = new List<float[]>();
        await using (var reference = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: frames))
        {
            while (await reference.ReadFrameAsync(CancellationToken.None) is { } frame)
            {
                using (frame)
                using (var map = detector.Detect(frame))
                {
                    references.Add(map.Values.ToArray());
                }
            }
        }

        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: frames);
        var options = new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Disabled };
        await using var pipeline = new BlurPipeline(source, detector, options);
        long expected = 0;
        var mismatches = 0;
        await foreach (var result in pipeline.RunAsync())
        {
            using (result)
            {
                Assert.That(result.SequenceNumber, Is.EqualTo(expected), "lossless order");
                if (!result.Map.Values.SequenceEqual(references[(int)expected]))
                {
                    mismatches++;
                }

                Assert.That((result.InputWidth, result.InputHeight, result.QualityLevel), Is.EqualTo((result.Map.Width, result.Map.Height, 0)));
                expected++;
            }
        }

        var stats = pipeline.Statistics.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(expected, Is.EqualTo(frames));
            Assert.That(mismatches, Is.Zero, "a map from another frame's slot");
            Assert.That(stats.Stages[PipelineStage.Preprocess].Count, Is.EqualTo(frames), "preprocessing is its own stage");
            Assert.That(source.Pool.Outstanding, Is.Zero);
            Assert.That(pipeline.OutstandingMaps, Is.Zero);
        });
    }

    [Test]
    public void Preparing_and_inferring_a_slot_allocates_nothing_once_warm()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        IStagedInference staged = detector;
        using var input = staged.CreateInput();
        var frames = new FramePool(96, 72);
        using var frame = frames.Rent();
        frame.Pixels.Fill(90);
        var maps = new BlurMapPool(96, 64);
        using var map = maps.Rent();
        for (var i = 0; i < 3; i++)
        {
            staged.Prepare(frame, input, 1f);
            staged.Infer(input, map, CancellationToken.None);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            staged.Prepare(frame, input, 1f);
            staged.Infer(input, map, CancellationToken.None);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "bytes allocated by 20 Prepare + Infer on this thread");
    }

    [Test]
    public async Task The_staged_file_mode_pipeline_allocates_no_frame_map_or_tensor_per_frame_in_steady_state()
    {
        // As BlurPipelineTests' file-mode test, through the real detector's staged path (input slots, Prepare/Infer).
        const int warmUp = 1000;
        const int measured = 2000;
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(width: 64, height: 48), frameCount: warmUp + measured);
        await using var pipeline = new BlurPipeline(source, detector, new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Disabled });
        var perFrame = await PipelineTestKit.AllocatedBytesPerFrameAsync(pipeline, warmUp);

        // A frame (9 KB) or a map (8 KB) allocated per frame would exceed this; what remains is async hand-off bookkeeping.
        Assert.That(perFrame, Is.LessThan(1024));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_failure_in_the_preprocessing_or_inference_stage_ends_the_run_with_it_after_the_frames_before(bool inPreprocessing)
    {
        const int failAt = 7;
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var failing = new FailingStagedInference(detector, failAt, inPreprocessing);
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 40);
        await using var pipeline = new BlurPipeline(source, failing, new BlurPipelineOptions(), createAligner: null);
        var emitted = new List<long>();
        var failure = Assert.ThrowsAsync<BlurVideoException>(async () =>
        {
            await foreach (var result in pipeline.RunAsync())
            {
                using (result)
                {
                    emitted.Add(result.SequenceNumber);
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Is.EqualTo($"injected at frame {failAt}"));
            Assert.That(emitted, Is.EqualTo(Enumerable.Range(0, failAt).Select(i => (long)i)), "the frames before, in order");
            Assert.That(source.Pool.Outstanding, Is.Zero, "frames returned");
            Assert.That(pipeline.OutstandingMaps, Is.Zero, "maps returned");
        });
    }

    /// <summary>The real detector's staged path, throwing at one frame in the stage chosen.</summary>
    private sealed class FailingStagedInference(BlurDetector detector, long failAt, bool inPreprocessing) : IStagedInference
    {
        private readonly IStagedInference _inner = detector;

        // The frame each input slot was last prepared with (the slots are the pipeline's; the fake only notes).
        private readonly Dictionary<InferenceInput, long> _preparedFrame = [];

        public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => _inner.GetMapSize(frameWidth, frameHeight);

        public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the pipeline uses the staged path");

        public InferenceInput CreateInput() => _inner.CreateInput();

        public (int Width, int Height) GetInputSize(int frameWidth, int frameHeight, float scale) => _inner.GetInputSize(frameWidth, frameHeight, scale);

        public void Prepare(VideoFrame frame, InferenceInput input, float scale)
        {
            if (inPreprocessing && frame.SequenceNumber == failAt)
            {
                throw new BlurVideoException($"injected at frame {failAt}");
            }

            _inner.Prepare(frame, input, scale);
            lock (_preparedFrame)
            {
                _preparedFrame[input] = frame.SequenceNumber;
            }
        }

        public void Infer(InferenceInput input, BlurMap destination, CancellationToken cancellationToken)
        {
            long prepared;
            lock (_preparedFrame)
            {
                prepared = _preparedFrame[input];
            }

            if (!inPreprocessing && prepared == failAt)
            {
                throw new BlurVideoException($"injected at frame {failAt}");
            }

            _inner.Infer(input, destination, cancellationToken);
        }
    }

    [Test]
    public async Task Adaptive_quality_steps_down_while_inference_is_slow_and_back_up_when_there_is_room()
    {
        // Inference "takes" 60 ms at full quality for the first 60 frames, then 10 ms; cost scales with the input's
        // pixels. Target 30 ms: full (60) and 0.75 (34) are over 0.9 × 30, 0.5 (15) is within, so the level goes
        // 0 → 1 → 2; once fast, 0.5 (2.5) and 0.75 (5.6) leave room for the next level up, and it goes back to 0.
        const int frames = 130;
        const int slowFrames = 60;
        var adaptive = new AdaptiveQualityOptions { Target = TimeSpan.FromMilliseconds(30), HoldFrames = 10 };
        var calls = 0;
        TimeSpan Measured(int level, TimeSpan _)
        {
            var scale = adaptive.InputScales[level];
            var fullMs = calls++ < slowFrames ? 60.0 : 10.0;
            return TimeSpan.FromMilliseconds(fullMs * scale * scale);
        }

        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var scene = PipelineTestKit.SmallScene(width: 256, height: 192);
        var source = new SyntheticFocusPullSource(scene, frameCount: frames);
        var options = new BlurPipelineOptions { AdaptiveQuality = adaptive };
        await using var pipeline = new BlurPipeline(source, detector, options, createAligner: null, logger: null, measuredInferenceTime: Measured);
        var levels = new List<int>();
        var sizes = new Dictionary<int, (int, int)>();
        var mapSizes = new HashSet<(int, int)>();
        await foreach (var result in pipeline.RunAsync())
        {
            using (result)
            {
                levels.Add(result.QualityLevel);
                sizes[result.QualityLevel] = (result.InputWidth, result.InputHeight);
                mapSizes.Add((result.Map.Width, result.Map.Height));
                Assert.That(result.Map.Values.ToArray(), Has.All.InRange(0f, 1f));
            }
        }

        var changes = levels.Zip(levels.Skip(1)).Count(pair => pair.First != pair.Second);
        TestContext.Out.WriteLine(string.Join("", levels));
        Assert.Multiple(() =>
        {
            Assert.That(levels, Has.Count.EqualTo(frames));
            Assert.That(levels[0], Is.Zero, "starts at full quality");
            Assert.That(levels.Take(slowFrames).Max(), Is.EqualTo(2), "steps down to the smallest level while slow");
            Assert.That(levels.Skip(frames - 20), Has.All.Zero, "back at full quality when there is room");
            Assert.That(changes, Is.EqualTo(4), "0→1→2 and 2→1→0, no oscillation");
            Assert.That(sizes[0], Is.EqualTo((256, 192)));
            Assert.That(sizes[1], Is.EqualTo((192, 128)));
            Assert.That(sizes[2], Is.EqualTo((128, 96)));
            Assert.That(mapSizes, Is.EquivalentTo(new[] { (256, 192) }), "maps keep the full-quality size");
        });
    }

    [Test]
    public void The_controller_holds_a_level_and_needs_room_before_stepping_up()
    {
        var controller = new AdaptiveQualityController(
            new AdaptiveQualityOptions { InputScales = [1f, 0.5f], HoldFrames = 3, Smoothing = 1 }, TimeSpan.FromMilliseconds(40));
        static TimeSpan ms(double value) => TimeSpan.FromMilliseconds(value);
        Assert.Multiple(() =>
        {
            Assert.That(controller.Observe(0, ms(500)), Is.Zero, "the first run at a size is not a measurement");
            Assert.That(controller.Observe(0, ms(30)), Is.Zero, "30 ms is within 0.9 × 40");
            Assert.That(controller.Observe(0, ms(37)), Is.EqualTo(1), "over 0.9 × 40");
            Assert.That(controller.Observe(0, ms(80)), Is.EqualTo(1), "a frame prepared before the step is ignored");
            Assert.That(controller.Observe(1, ms(300)), Is.EqualTo(1), "nor is the first run at the new size");
            // 10 ms at half size would be 40 ms at full size: no room (0.7 × 40 = 28); hold frames first.
            Assert.That(Enumerable.Range(0, 6).Select(_ => controller.Observe(1, ms(10))), Has.All.EqualTo(1));
            Assert.That(controller.Observe(1, ms(6)), Is.Zero, "6 ms × 4 = 24 ms < 28 ms");
            Assert.That(controller.Level, Is.Zero);
        });
    }
}
