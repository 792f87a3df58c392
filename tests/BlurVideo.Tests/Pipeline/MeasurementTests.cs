using System.Diagnostics.Metrics;
using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

[TestFixture]
public sealed class MeasurementTests
{
    [Test]
    public void Flicker_counts_only_pixels_whose_label_did_not_change()
    {
        var meter = new TemporalStabilityMeter(2, 1);
        meter.Add([0.2f, 0.9f], [0, 1]);
        meter.Add([0.4f, 0.9f], [0, 1]);
        Assert.That(meter.Flicker, Is.EqualTo(0.1).Within(1e-6), "(|0.4 - 0.2| + |0.9 - 0.9|) / 2");

        meter.Add([0.5f, 0.1f], [0, 0]);
        Assert.That(meter.Flicker, Is.EqualTo((0.2 + 0 + 0.1) / 3).Within(1e-6), "pixel 1 changed label: only pixel 0 counts");

        meter.BreakContinuity();
        meter.Add([1f, 1f], [0, 0]);
        Assert.That(meter.Flicker, Is.EqualTo(0.1).Within(1e-6), "no comparison across a break");
        Assert.That(meter.Frames, Is.EqualTo(4));
    }

    [Test]
    public void Jitter_leaves_out_pixels_where_the_raw_decision_changed()
    {
        var meter = new TemporalStabilityMeter(3, 1);
        meter.Add([0.2f, 0.4f, 0.8f], [0, 0, 1]);
        meter.Add([0.3f, 0.7f, 0.6f], [0, 0, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(meter.Flicker, Is.EqualTo((0.1 + 0.3 + 0.2) / 3).Within(1e-6));
            Assert.That(meter.Jitter, Is.EqualTo((0.1 + 0.2) / 2).Within(1e-6), "pixel 1 crossed 0.5: the decision changed");
            Assert.That(meter.DecisionFlipShare, Is.EqualTo(0.3 / (0.1 + 0.3 + 0.2)).Within(1e-6), "pixel 1's change over all");
        });

        // A smoothed run is judged over the raw run's pixels: the given decisions, not the smoothed map's.
        var smoothed = new TemporalStabilityMeter(3, 1);
        smoothed.Add([0.2f, 0.4f, 0.8f], [0, 0, 1], [0, 0, 1]);
        smoothed.Add([0.25f, 0.45f, 0.7f], [0, 0, 1], [0, 1, 1]);
        Assert.That(smoothed.Jitter, Is.EqualTo((0.05 + 0.1) / 2).Within(1e-6));
        Assert.Throws<ArgumentException>(() => smoothed.Add([0f, 0f, 0f], [0, 0, 0], [1]));
    }

    [Test]
    public void Accuracy_follows_the_evaluation_protocol()
    {
        var meter = new TemporalStabilityMeter(2, 2);
        meter.Add([0.9f, 0.8f, 0.1f, 0.2f], [1, 1, 0, 0]);
        meter.Add([0.1f, 0.2f, 0.9f, 0.8f], [1, 1, 0, 0]);
        var report = meter.Accuracy();
        Assert.Multiple(() =>
        {
            Assert.That(report.FBeta, Is.EqualTo(0.5).Within(1e-9), "one perfect frame, one inverted frame");
            Assert.That(report.Mae, Is.EqualTo(0.5).Within(1e-6));
        });
    }

    [Test]
    public void Latency_quantiles_are_within_a_few_percent()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        var summary = histogram.Summarize();
        Assert.Multiple(() =>
        {
            Assert.That(summary.Count, Is.EqualTo(1000));
            Assert.That(summary.P50Ms, Is.EqualTo(500).Within(4).Percent);
            Assert.That(summary.P95Ms, Is.EqualTo(950).Within(4).Percent);
            Assert.That(summary.P99Ms, Is.EqualTo(990).Within(4).Percent);
            Assert.That(summary.MaxMs, Is.EqualTo(1000));
            Assert.That(summary.MeanMs, Is.EqualTo(500.5).Within(0.01));
        });
    }

    [Test]
    public void Histogram_buckets_cover_every_duration_monotonically()
    {
        var previous = -1;
        for (long us = 0; us < 10_000_000; us = (us * 11 / 10) + 1)
        {
            var bucket = LatencyHistogram.BucketOf(us);
            Assert.That(bucket, Is.GreaterThanOrEqualTo(previous));
            Assert.That(LatencyHistogram.MidpointOf(bucket), Is.EqualTo((double)us).Within(Math.Max(1, us / 16.0)));
            previous = bucket;
        }
    }

    [Test]
    public async Task Statistics_are_published_on_the_BlurVideo_meter()
    {
        long emitted = 0;
        var latencies = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineStatistics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "blurvideo.frames.emitted")
            {
                Interlocked.Add(ref emitted, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "blurvideo.frame.latency")
            {
                Interlocked.Increment(ref latencies);
            }
        });
        listener.Start();

        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 12);
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        await foreach (var result in pipeline.RunAsync())
        {
            result.Dispose();
        }

        var snapshot = pipeline.Statistics.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(emitted, Is.EqualTo(12));
            Assert.That(latencies, Is.EqualTo(12));
            Assert.That(snapshot.FramesOut, Is.EqualTo(12));
            Assert.That(snapshot.Stages[PipelineStage.Inference].Count, Is.EqualTo(12));
            Assert.That(snapshot.Stages[PipelineStage.Capture].Count, Is.EqualTo(12));
            Assert.That(snapshot.FramesPerSecond, Is.GreaterThan(0));
        });
    }
}
