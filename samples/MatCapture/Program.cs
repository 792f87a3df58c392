// MatCapture: a capture application that embeds BlurVideo the way a C# capture app does. It opens its own
// OpenCvSharp VideoCapture, pushes every Mat into a BlurPipeline through a PushedFrameSource, runs its own ONNX Runtime
// InferenceSession from the same package in the same process, and prints each frame's focus figures.
//
//   dotnet run -c Release --project samples/MatCapture -- [video file | camera index] [--frames N] [--model M]
//
// Without an input it writes the synthetic focus-pull clip (100 frames, or --frames) to a temporary mp4 and captures that.
using System.Globalization;
using BlurVideo;
using BlurVideo.Focus;
using BlurVideo.Inference;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

var input = (string?)null;
var maxFrames = long.MaxValue;
var model = ModelCatalog.DefaultModelName;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--frames" when i + 1 < args.Length && long.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var frames) && frames > 0:
            maxFrames = frames;
            i++;
            break;
        case "--model" when i + 1 < args.Length:
            model = args[++i];
            break;
        case "-h" or "--help":
            Console.WriteLine("Usage: MatCapture [video file | camera index] [--frames N] [--model M]");
            return 0;
        default:
            if (input is not null || args[i].StartsWith('-'))
            {
                Console.Error.WriteLine($"MatCapture: unexpected argument '{args[i]}' (see --help).");
                return 1;
            }

            input = args[i];
            break;
    }
}

var temporary = input is null ? WriteSyntheticClip((int)Math.Min(100, maxFrames)) : null;
try
{
    using var capture = int.TryParse(input, CultureInfo.InvariantCulture, out var camera) ? new VideoCapture(camera) : new VideoCapture(input ?? temporary!);
    if (!capture.IsOpened())
    {
        Console.Error.WriteLine($"MatCapture: cannot open '{input}'.");
        return 1;
    }

    using var detector = new BlurDetector(new BlurDetectorOptions { Model = model });
    Console.WriteLine($"Capturing {input ?? "the synthetic focus pull"} ({capture.FrameWidth}x{capture.FrameHeight}, backend {capture.GetBackendName()}) with {detector.Model.Name} on {detector.ActiveProvider}.");
    RunOwnSession(detector.Model);

    // A file is processed losslessly (the capture waits for the pipeline); a camera runs live (old frames dropped).
    var live = input is not null && int.TryParse(input, CultureInfo.InvariantCulture, out _);
    await using var source = new PushedFrameSource(live, capture.Fps);
    await using var pipeline = new BlurPipeline(source, detector, new BlurPipelineOptions { LeaveSourceOpen = true });
    var producer = Task.Run(async () =>
    {
        using var frame = new Mat();
        for (long read = 0; read < maxFrames && capture.Read(frame) && !frame.Empty(); read++)
        {
            await source.PushAsync(frame);
        }

        source.Complete();
    });

    using var analyzer = new FocusAnalyzer();
    var focus = new FocusStateTracker();
    await foreach (var result in pipeline.RunAsync())
    {
        using (result)
        {
            var figures = analyzer.Measure(result.Map);
            var state = focus.Update(result.Map);
            var (x, y) = figures.RelativeCentroid;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"frame {result.SequenceNumber,4}  {state,-10}  blurred {figures.BlurredFraction,6:P1}  centre sharpness {figures.RegionOfInterestSharpness:F3}  largest sharp region {figures.LargestInFocusRegion.Area,6} px at ({x:F2}, {y:F2})"));
        }
    }

    await producer;
    var statistics = pipeline.Statistics.Snapshot();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{statistics.FramesOut} frames, {statistics.FramesPerSecond:F1} fps, latency p50 {statistics.Latency.P50Ms:F0} ms"));
    return 0;
}
// The SDK's failures are one family; OnnxRuntimeException comes from the sample's own InferenceSession.
catch (Exception error) when (error is BlurVideoException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"MatCapture: {error.Message}");
    return 1;
}
finally
{
    if (temporary is not null)
    {
        File.Delete(temporary);
    }
}

// The application's own ONNX Runtime work, beside the SDK's: the same model, its own session, one run on a grey image.
static void RunOwnSession(ModelCard card)
{
    using var session = new InferenceSession(card.ModelPath);
    var input = new DenseTensor<float>([1, 3, card.InputHeight, card.InputWidth]);
    using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(session.InputNames[0], input)]);
    var blur = outputs[0].AsEnumerable<float>().Average();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Own InferenceSession (ONNX Runtime {OrtEnv.Instance().GetVersionString()}): {session.InputNames[0]} -> {session.OutputNames[0]}, mean blur of a grey image {blur:F3}."));
}

// The synthetic focus pull (320x240, 25 fps; 100 frames are one full pull) written with OpenCvSharp, for the capture to read.
static string WriteSyntheticClip(int frames)
{
    var path = Path.Combine(Path.GetTempPath(), $"matcapture-{Guid.NewGuid():N}.mp4");
    var scene = new SyntheticFocusPullScene();
    using var writer = new VideoWriter(path, FourCC.FromString("mp4v"), scene.Options.FramesPerSecond, new Size(scene.Width, scene.Height));
    using var frame = new Mat(scene.Height, scene.Width, MatType.CV_8UC3);
    var pixels = new byte[scene.Width * scene.Height * 3];
    for (var index = 0; index < frames; index++)
    {
        scene.Render(index, pixels, scene.Width * 3);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, frame.Data, pixels.Length);
        writer.Write(frame);
    }

    return path;
}
