// FocusMonitor: a console application that embeds the BlurVideo SDK to watch a camera, a stream or a video
// file and report, frame by frame, whether the centre of the picture is in focus.
//
//   dotnet run -c Release --project samples/FocusMonitor -- <video file | camera index | URL | synthetic> [model]
//
// The model is a shipped model's name (default defusionnet-s) or a path to an .onnx with its card beside it.
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
    using var detector = new BlurDetector(new BlurDetectorOptions { Model = args.Length > 1 ? args[1] : "defusionnet-s" });
    // "synthetic" is the measurement assembly's focus-pull clip (one full pull); anything else is a file, camera or URL.
    await using IFrameSource source = args[0] == "synthetic" ? new SyntheticFocusPullSource(frameCount: 100) : FrameSources.Open(args[0]);
    await using var pipeline = new BlurPipeline(source, detector);
    Console.WriteLine($"Watching {args[0]} with {detector.Model.Name} on {detector.ActiveProvider}; Ctrl+C stops.");

    var focus = new FocusStateTracker();
    var previous = FocusState.Unknown;
    await foreach (var result in pipeline.RunAsync(stop.Token))
    {
        using (result)
        {
            var state = focus.Update(result.Map);
            if (state != previous)
            {
                Console.WriteLine($"frame {result.SequenceNumber,6}  {result.SourceTimestamp.TotalSeconds,8:F2} s  " +
                                  $"{state,-10} centre blur {focus.RegionBlur:P0}, age {result.Age.TotalMilliseconds:F0} ms");
                previous = state;
            }
        }
    }

    var stats = pipeline.Statistics.Snapshot();
    Console.WriteLine($"{stats.FramesOut} frames, {stats.DroppedTotal} dropped, latency p50 {stats.Latency.P50Ms:F0} ms, p95 {stats.Latency.P95Ms:F0} ms");
    return 0;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception error) when (error is FrameSourceException or ModelNotFoundException or IOException)
{
    Console.Error.WriteLine($"FocusMonitor: {error.Message}");
    return 1;
}
