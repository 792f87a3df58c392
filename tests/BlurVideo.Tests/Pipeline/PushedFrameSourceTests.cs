using NUnit.Framework;
using OpenCvSharp;

namespace BlurVideo.Tests.Pipeline;

/// <summary>An application feeding its own Mats into <see cref="BlurPipeline"/> through <see cref="PushedFrameSource"/>.</summary>
[TestFixture]
public sealed class PushedFrameSourceTests
{
    private const int Width = 48;
    private const int Height = 32;

    private static Mat Image(int value) => new(Height, Width, MatType.CV_8UC3, new Scalar(value, value + 1, value + 2));

    [Test]
    public async Task Lossless_pushes_are_all_processed_in_order_with_their_pixels()
    {
        const int frames = 12;
        await using var source = new PushedFrameSource(live: false, framesPerSecond: 10);
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero), new BlurPipelineOptions { LeaveSourceOpen = true });
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < frames; i++)
            {
                using var image = Image(10 * i);
                await source.PushAsync(image);
            }

            source.Complete();
        });

        var seen = new List<(long Sequence, byte Blue, TimeSpan Timestamp)>();
        await foreach (var result in pipeline.RunAsync())
        {
            using (result)
            {
                seen.Add((result.SequenceNumber, result.Frame.Pixels[0], result.SourceTimestamp));
            }
        }

        await producer;
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.LatencyPolicy.DropPolicy, Is.EqualTo(FrameDropPolicy.None), "a lossless source gets the lossless policy");
            Assert.That(seen.Select(entry => entry.Sequence), Is.EqualTo(Enumerable.Range(0, frames).Select(i => (long)i)));
            Assert.That(seen.Select(entry => (int)entry.Blue), Is.EqualTo(Enumerable.Range(0, frames).Select(i => 10 * i)));
            Assert.That(seen[5].Timestamp, Is.EqualTo(TimeSpan.FromSeconds(0.5)));
        });
    }

    [Test]
    public async Task A_live_source_keeps_the_newest_frames_and_disposes_the_dropped_ones()
    {
        await using var source = new PushedFrameSource(live: true, capacity: 2);
        for (var i = 0; i < 5; i++)
        {
            using var image = Image(i);
            Assert.That(source.TryPush(image), Is.True, "a live push always succeeds");
        }

        source.Complete();
        var kept = new List<long>();
        while (await source.ReadFrameAsync(CancellationToken.None) is { } frame)
        {
            using (frame)
            {
                kept.Add(frame.SequenceNumber);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(kept, Is.EqualTo(new long[] { 3, 4 }));
            Assert.That(source.IsLive, Is.True);
            Assert.That(source.Kind, Is.EqualTo(FrameSourceKind.Pushed));
        });
    }

    [Test]
    public async Task A_full_lossless_source_refuses_a_try_push_and_keeps_what_it_holds()
    {
        await using var source = new PushedFrameSource(live: false, capacity: 1);
        using var first = Image(1);
        using var second = Image(2);

        Assert.That(source.TryPush(first), Is.True);
        Assert.That(source.TryPush(second), Is.False);
        using var frame = await source.ReadFrameAsync(CancellationToken.None);
        Assert.That(frame!.Pixels[0], Is.EqualTo(1));
    }

    [Test]
    public async Task Grey_and_bgra_mats_and_regions_are_pushed_as_bgr()
    {
        await using var source = new PushedFrameSource(live: false, capacity: 4);
        using var grey = new Mat(Height, Width, MatType.CV_8UC1, Scalar.All(77));
        using var bgra = new Mat(Height, Width, MatType.CV_8UC4, new Scalar(5, 6, 7, 255));
        using var large = new Mat(2 * Height, 2 * Width, MatType.CV_8UC3, new Scalar(9, 8, 7));
        using var region = new Mat(large, new Rect(3, 4, Width, Height));

        Assert.That(source.TryPush(grey) && source.TryPush(bgra) && source.TryPush(region), Is.True);
        source.Complete();
        var pixels = new List<byte[]>();
        while (await source.ReadFrameAsync(CancellationToken.None) is { } frame)
        {
            using (frame)
            {
                Assert.That((frame.Width, frame.Height), Is.EqualTo((Width, Height)));
                pixels.Add(frame.Pixels[^3..].ToArray());
            }
        }

        Assert.That(pixels, Is.EqualTo(new[] { new byte[] { 77, 77, 77 }, new byte[] { 5, 6, 7 }, new byte[] { 9, 8, 7 } }));
    }

    [Test]
    public void A_mat_of_another_type_is_refused_with_a_clear_message()
    {
        var source = new PushedFrameSource();
        using var floats = new Mat(Height, Width, MatType.CV_32FC1, Scalar.All(0));

        Assert.That(() => source.TryPush(floats), Throws.ArgumentException.With.Message.Contains("8-bit BGR, BGRA or grey"));
    }
}
