using BlurVideo.Tests.Pipeline;
using NUnit.Framework;

namespace BlurVideo.Tests.Focus;

[TestFixture]
public sealed class OutOfFocusDetectorTests
{
    private static readonly TimeSpan FrameTime = TimeSpan.FromMilliseconds(40);

    [Test]
    public void A_blurred_stretch_between_sharp_frames_is_one_segment_with_its_times_frames_and_scores()
    {
        var scores = Enumerable.Repeat(0.9f, 10).Concat([0.3f, 0.1f, 0.2f]).Concat(Enumerable.Repeat(0.25f, 17)).Concat(Enumerable.Repeat(0.9f, 20));

        var segments = Run(new OutOfFocusDetector(new OutOfFocusOptions { MinimumDuration = TimeSpan.Zero }), scores);

        Assert.That(segments, Has.Count.EqualTo(1));
        var segment = segments[0];
        Assert.Multiple(() =>
        {
            Assert.That((segment.StartFrame, segment.EndFrame), Is.EqualTo((10L, 30L)));
            Assert.That((segment.Start, segment.End), Is.EqualTo((FrameTime * 10, FrameTime * 30)));
            Assert.That(segment.WorstFocusScore, Is.EqualTo(0.1f));
            Assert.That(segment.WorstFrame, Is.EqualTo(11));
            Assert.That(segment.MeanFocusScore, Is.EqualTo(((0.3 + 0.1 + 0.2) + (17 * 0.25)) / 20).Within(1e-6));
            Assert.That(segment.Region, Is.EqualTo(FocusRegionOfInterest.Centre));
        });
    }

    [Test]
    public void Flicker_of_the_score_around_the_thresholds_never_splits_a_segment()
    {
        // Inside the blurred stretch: single frames up to 0.55 (below the exit threshold) and sharp flashes of up to
        // 5 frames (0.2 s, under the 0.25 s bridge).
        var blurred = new List<float>();
        for (var i = 0; i < 60; i++)
        {
            blurred.Add(i % 7 == 3 ? 0.55f : i % 20 is >= 10 and < 15 ? 0.95f : 0.2f);
        }

        var segments = Run(new OutOfFocusDetector(), Enumerable.Repeat(0.9f, 5).Concat(blurred).Concat(Enumerable.Repeat(0.9f, 10)));

        Assert.That(segments.Select(s => (s.StartFrame, s.EndFrame)), Is.EqualTo(new[] { (5L, 65L) }));
    }

    [Test]
    public void A_score_between_the_thresholds_neither_starts_nor_ends_a_segment()
    {
        var segments = Run(
            new OutOfFocusDetector(new OutOfFocusOptions { MinimumDuration = TimeSpan.Zero, BridgeGap = TimeSpan.Zero }),
            [0.5f, 0.5f, 0.3f, 0.5f, 0.59f, 0.61f, 0.5f]);

        Assert.That(segments.Select(s => (s.StartFrame, s.EndFrame)), Is.EqualTo(new[] { (2L, 5L) }));
    }

    [TestCase(0.5, 0)]
    [TestCase(0.1, 1)]
    public void A_blur_burst_of_a_fifth_of_a_second_is_kept_only_when_the_minimum_duration_allows_it(double minimumSeconds, int expected)
    {
        var scores = Enumerable.Repeat(0.9f, 25).Concat(Enumerable.Repeat(0.1f, 5)).Concat(Enumerable.Repeat(0.9f, 25));

        var segments = Run(new OutOfFocusDetector(new OutOfFocusOptions { MinimumDuration = TimeSpan.FromSeconds(minimumSeconds) }), scores);

        Assert.That(segments, Has.Count.EqualTo(expected));
    }

    [Test]
    public void A_scene_cut_ends_the_open_segment_and_its_frame_starts_the_next()
    {
        var detector = new OutOfFocusDetector(new OutOfFocusOptions { MinimumDuration = TimeSpan.Zero });
        var segments = new List<OutOfFocusSegment>();
        for (var i = 0; i < 40; i++)
        {
            if (detector.Observe(i, FrameTime * i, i is >= 10 and < 30 ? 0.1f : 0.9f, sceneCut: i == 20) is { } segment)
            {
                segments.Add(segment);
            }
        }

        Assert.That(segments.Select(s => (s.StartFrame, s.EndFrame)), Is.EqualTo(new[] { (10L, 20L), (20L, 30L) }));
    }

    [Test]
    public void A_segment_still_open_at_the_end_of_the_stream_ends_one_frame_after_the_last()
    {
        var segments = Run(new OutOfFocusDetector(), Enumerable.Repeat(0.9f, 10).Concat(Enumerable.Repeat(0.1f, 20)));

        Assert.That(segments.Select(s => (s.StartFrame, s.EndFrame, s.End)), Is.EqualTo(new[] { (10L, 30L, FrameTime * 30) }));
    }

    [Test]
    public void Thresholds_in_the_wrong_order_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OutOfFocusDetector(new OutOfFocusOptions { EnterBelow = 0.7f, ExitAbove = 0.6f }));
    }

    [Test]
    public void The_score_measures_the_regions_sharpest_part_so_a_sharp_subject_before_a_soft_background_is_in_focus()
    {
        // A 40×40 map, the whole frame the region: a sharp 20×20 subject (blur 0.05) on a blurred background (0.95).
        var map = new float[40 * 40];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = (i / 40) < 20 && (i % 40) < 20 ? 0.05f : 0.95f;
        }

        var whole = FocusRegionOfInterest.Whole;
        Assert.Multiple(() =>
        {
            Assert.That(whole.MeanBlur(map, 40, 40), Is.EqualTo(0.725f).Within(1e-5f), "the region's mean");
            Assert.That(whole.MeanBlur(map, 40, 40, sharpestFraction: 0.2f), Is.EqualTo(0.05f).Within(1f / 256), "the subject");
            Assert.That(whole.MeanBlur(map, 40, 40, sharpestFraction: 0.5f), Is.EqualTo(0.5f).Within(1f / 256), "subject and as much background");
        });

        var scores = Enumerable.Repeat(1f - whole.MeanBlur(map, 40, 40, new OutOfFocusOptions().SharpestFraction), 50);
        var wholeRegionScores = Enumerable.Repeat(1f - whole.MeanBlur(map, 40, 40), 50);
        Assert.That(Run(new OutOfFocusDetector(), scores), Is.Empty, "the default measures the sharpest fifth");
        Assert.That(Run(new OutOfFocusDetector(), wholeRegionScores), Has.Count.EqualTo(1), "the region's mean would call it out of focus");
    }

    [TestCase(0f)]
    [TestCase(1.5f)]
    [TestCase(float.NaN)]
    public void A_sharpest_fraction_outside_zero_to_one_is_rejected(float fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OutOfFocusDetector(new OutOfFocusOptions { SharpestFraction = fraction }));
    }

    [Test]
    public async Task DetectAsync_reads_a_pipelines_results_measures_the_chosen_region_and_disposes_every_result()
    {
        // A bright (blurred, for the fake model) square in the centre on frames 10..29 of 40; the whole frame stays
        // mostly dark, so only the centre region sees it.
        await using var source = new PatternSource(40, frame => frame is >= 10 and < 30);
        await using var pipeline = PipelineTestKit.Create(
            source, new FakeInference(TimeSpan.Zero), new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Disabled, LeaveSourceOpen = true });

        var centre = new List<OutOfFocusSegment>();
        await foreach (var segment in OutOfFocusDetector.DetectAsync(pipeline.RunAsync(), new OutOfFocusOptions { MinimumDuration = TimeSpan.Zero }))
        {
            centre.Add(segment);
        }

        Assert.Multiple(() =>
        {
            Assert.That(centre.Select(s => (s.StartFrame, s.EndFrame)), Is.EqualTo(new[] { (10L, 30L) }));
            Assert.That(source.Pool.Outstanding, Is.Zero, "every result (and its frame) was disposed");
        });
    }

    private static List<OutOfFocusSegment> Run(OutOfFocusDetector detector, IEnumerable<float> scores)
    {
        var segments = new List<OutOfFocusSegment>();
        var frame = 0;
        foreach (var score in scores)
        {
            if (detector.Observe(frame, FrameTime * frame, score, sceneCut: false) is { } segment)
            {
                segments.Add(segment);
            }

            frame++;
        }

        if (detector.Complete() is { } last)
        {
            segments.Add(last);
        }

        return segments;
    }

    /// <summary>Grey 64×48 frames at 25 fps, white in the centre quarter where <paramref name="bright"/> says so.</summary>
    private sealed class PatternSource(int frames, Func<int, bool> bright) : IFrameSource
    {
        private int _next;

        public FramePool Pool { get; } = new(64, 48);

        public string Description => "pattern";

        public bool IsLive => false;

        public double FramesPerSecond => 25;

        public long? FrameCount => frames;

        public FrameSourceKind Kind => FrameSourceKind.File;

        public ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
        {
            if (_next == frames)
            {
                return ValueTask.FromResult<VideoFrame?>(null);
            }

            var frame = Pool.Rent();
            var pixels = frame.Pixels;
            pixels.Clear();
            if (bright(_next))
            {
                for (var y = 12; y < 36; y++)
                {
                    pixels.Slice((y * frame.Stride) + (16 * 3), 32 * 3).Fill(255);
                }
            }

            frame.SequenceNumber = _next;
            frame.SourceTimestamp = FrameTime * _next;
            frame.MarkCaptured();
            _next++;
            return ValueTask.FromResult<VideoFrame?>(frame);
        }

        public ValueTask ReopenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
