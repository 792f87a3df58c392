// FocusMonitor: a console application that embeds the BlurVideo SDK to watch a camera, a stream or a video
// file and report when the centre of the picture comes into or goes out of focus (FocusAssist's events, with
// hysteresis: a still scene reports nothing) and, at the end, the peak-hold: where focus was best.
//
//   dotnet run -c Release --project samples/FocusMonitor -- <video file | camera index | URL | synthetic> [model]
//
// The model is a shipped model's name (default: the real-time default, ModelCatalog.DefaultModelName) or a path to an
// .onnx with its card beside it.
using BlurVideo;
using BlurVideo.Focus;
using BlurVideo.Inference;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("Usage: FocusMonitor <video file | camera index | URL | synthetic> [model]");
    return args.Length == 0 ? 2 : 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    using var detector = new BlurDetector(new BlurDetectorOptions { Model = args.Length > 1 ? args[1] : ModelCatalog.DefaultModelName });
    // "synthetic" is the measurement assembly's focus-pull clip (one full pull); anything else is a file, camera or URL.
    await using IFrameSource source = args[0] == "synthetic" ? new SyntheticFocusPullSource(frameCount: 100) : FrameSources.Open(args[0]);
    await using var pipeline = new BlurPipeline(source, detector);
    Console.WriteLine($"Watching {args[0]} with {detector.Model.Name} on {detector.ActiveProvider}; Ctrl+C stops.");

    var focus = new FocusAssist();
    focus.StateChanged += (_, change) =>
        Console.WriteLine($"frame {change.FrameIndex,6}  {change.SourceTimestamp.TotalSeconds,8:F2} s  {change.From} -> {change.To}, focus {change.Score:P0}");
    var reported = false;
    await foreach (var result in pipeline.RunAsync(stop.Token))
    {
        using (result)
        {
            var reading = focus.Update(result);
            if (!reported && reading.State != FocusState.Unknown)
            {
                Console.WriteLine($"frame {reading.FrameIndex,6}  {reading.SourceTimestamp.TotalSeconds,8:F2} s  {reading.State}, focus {reading.Score:P0}");
                reported = true;
            }
        }
    }

    var peak = focus.Current;
    Console.WriteLine($"Sharpest centre: frame {peak.PeakFrameIndex} at {peak.PeakTimestamp.TotalSeconds:F2} s, focus {peak.PeakScore:P0} (last frame {peak.BelowPeak:P0} below)");
    var stats = pipeline.Statistics.Snapshot();
    Console.WriteLine($"{stats.FramesOut} frames, {stats.DroppedTotal} dropped, latency p50 {stats.Latency.P50Ms:F0} ms, p95 {stats.Latency.P95Ms:F0} ms");
    return 0;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception error) when (error is BlurVideoException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"FocusMonitor: {error.Message}");
    return 1;
}
