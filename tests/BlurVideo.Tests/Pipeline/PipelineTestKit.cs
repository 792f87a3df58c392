using System.Diagnostics;
using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

internal static class PipelineTestKit
{
    public static SyntheticSceneOptions SmallScene(int width = 96, int height = 72, double fps = 25) =>
        new() { Width = width, Height = height, FramesPerSecond = fps, Seed = 7 };

    /// <summary>Whether BlurVideo.dll is an optimized (Release) build: Debug builds allocate every async state machine.</summary>
    public static bool BuildIsOptimized =>
        typeof(BlurPipeline).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

    /// <summary>
    /// Runs <paramref name="pipeline"/> to its end and returns the bytes the whole process allocated per frame after
    /// <paramref name="warmUp"/> frames, less what the test host allocates in the background at its own rate (measured
    /// over as long an idle time). Ignores the test in a Debug build.
    /// </summary>
    public static async Task<double> AllocatedBytesPerFrameAsync(BlurPipeline pipeline, int warmUp)
    {
        long before = 0;
        var measured = 0;
        var clock = new Stopwatch();
        await foreach (var result in pipeline.RunAsync())
        {
            if (result.SequenceNumber == warmUp)
            {
                before = GC.GetTotalAllocatedBytes(precise: true);
                clock.Start();
            }

            measured += result.SequenceNumber >= warmUp ? 1 : 0;
            result.Dispose();
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var idleStart = GC.GetTotalAllocatedBytes(precise: true);
        await Task.Delay(clock.Elapsed);
        var background = GC.GetTotalAllocatedBytes(precise: true) - idleStart;
        var perFrame = (allocated - background) / (double)measured;
        TestContext.Out.WriteLine($"{perFrame:F1} bytes per frame ({allocated} bytes over {measured} frames in {clock.Elapsed.TotalSeconds:F1} s, {background} bytes in the background)");
        if (!BuildIsOptimized)
        {
            Assert.Ignore($"Debug builds allocate every async state machine; measured {perFrame:F0} bytes per frame. Run with -c Release.");
        }

        return perFrame;
    }

    public static BlurPipeline Create(IFrameSource source, IBlurInference inference, BlurPipelineOptions? options = null) =>
        new(source, inference, options, static (_, _) => new UncompensatedAligner());
}
