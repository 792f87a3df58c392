using BlurVideo.Pipeline;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

/// <summary>
/// One <see cref="BlurDetector"/> shared by real threads: every map is the one its own frame gives alone, and disposing
/// it while another thread detects ends that thread's loop with <see cref="ObjectDisposedException"/>. Before the
/// detector serialized its calls these crashed the process (the native preprocessor and the tensors re-created under
/// a running call) or handed out maps of the other thread's frame.
/// </summary>
[TestFixture]
public sealed class DetectorThreadSafetyTests
{
    private const int Iterations = 60;

    [TestCase(96, 64, 96, 64)]
    [TestCase(96, 64, 160, 120)]
    public void Two_threads_on_one_detector_each_get_their_own_frames_map(int width1, int height1, int width2, int height2)
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var frames = new[] { Frame(width1, height1, seed: 1), Frame(width2, height2, seed: 2) };
        var references = frames.Select(f => Reference(detector, f)).ToArray();
        var mismatches = new int[2];
        using var start = new Barrier(2);

        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var (pixels, width, height) = frames[t];
            start.SignalAndWait();
            for (var i = 0; i < Iterations; i++)
            {
                using var map = detector.Detect(pixels, width, height, width * 3);
                if (!map.Values.SequenceEqual(references[t]))
                {
                    mismatches[t]++;
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.That(mismatches, Has.All.Zero, "maps that are not their own frame's");
    }

    [Test]
    public void Dispose_during_detect_waits_for_the_running_call_then_later_calls_throw()
    {
        var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var (pixels, width, height) = Frame(320, 240, seed: 3);
        var reference = Reference(detector, (pixels, width, height));
        using var firstMap = new ManualResetEventSlim();
        Exception? ended = null;
        var good = 0;
        var bad = 0;
        var thread = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    using var map = detector.Detect(pixels, width, height, width * 3);
                    if (map.Values.SequenceEqual(reference))
                    {
                        good++;
                    }
                    else
                    {
                        bad++;
                    }

                    firstMap.Set();
                }
            }
            catch (Exception ex)
            {
                ended = ex;
            }
        });
        thread.Start();
        firstMap.Wait();

        detector.Dispose();
        thread.Join();

        Assert.Multiple(() =>
        {
            Assert.That(ended, Is.InstanceOf<ObjectDisposedException>());
            Assert.That(bad, Is.Zero, "maps not of the frame");
            Assert.That(good, Is.Positive);
        });
    }

    [Test]
    public async Task Two_pipelines_sharing_one_detector_give_each_the_maps_it_gives_alone()
    {
        const int frames = 12;
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native));
        var scenes = new[] { Pipeline.PipelineTestKit.SmallScene(96, 72), Pipeline.PipelineTestKit.SmallScene(128, 96) with { Seed = 11 } };
        var alone = new List<float[]>[2];
        for (var i = 0; i < 2; i++)
        {
            alone[i] = await RunAsync(detector, scenes[i], frames);
        }

        var together = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() => RunAsync(detector, scenes[i], frames))));

        for (var i = 0; i < 2; i++)
        {
            Assert.That(together[i], Has.Count.EqualTo(frames));
            for (var f = 0; f < frames; f++)
            {
                Assert.That(together[i][f], Is.EqualTo(alone[i][f]), $"pipeline {i}, frame {f}");
            }
        }
    }

    private static async Task<List<float[]>> RunAsync(BlurDetector detector, SyntheticSceneOptions scene, int frames)
    {
        var source = new SyntheticFocusPullSource(scene, frameCount: frames);
        await using var pipeline = new BlurPipeline(source, detector, new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Disabled });
        var maps = new List<float[]>();
        await foreach (var result in pipeline.RunAsync())
        {
            using (result)
            {
                maps.Add(result.Map.Values.ToArray());
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(source.Pool.Outstanding, Is.Zero);
            Assert.That(pipeline.OutstandingMaps, Is.Zero);
        });
        return maps;
    }

    private static float[] Reference(BlurDetector detector, (byte[] Pixels, int Width, int Height) frame)
    {
        using var map = detector.Detect(frame.Pixels, frame.Width, frame.Height, frame.Width * 3);
        return map.Values.ToArray();
    }

    /// <summary>A test frame made distinct per seed, so that a map of the other thread's frame differs.</summary>
    private static (byte[] Pixels, int Width, int Height) Frame(int width, int height, int seed)
    {
        var pixels = InferenceTestKit.Frame(width, height);
        var random = new Random(seed);
        for (var i = 0; i < pixels.Length; i += 7)
        {
            pixels[i] = (byte)random.Next(256);
        }

        return (pixels, width, height);
    }
}
