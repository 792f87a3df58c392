using BenchmarkDotNet.Attributes;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;

namespace BlurVideo.Benchmarks;

/// <summary>
/// One steady-state frame through each stage of the file-mode pipeline, on a 1280×720 frame with the video default
/// model at its card's 320×320, with the memory diagnoser: preprocessing into a pooled input slot, inference into a
/// pooled map, motion-compensated smoothing, and the overlay the <c>video</c> command composes. Each allocates
/// 0 B per frame (the Allocated column).
/// </summary>
[MemoryDiagnoser]
public class PipelineStageBenchmarks
{
    private const int Width = 1280;
    private const int Height = 720;

    private BlurDetector? _detector;
    private SyntheticFocusPullSource? _source;
    private InferenceInput? _input;
    private VideoFrame? _frame;
    private BlurMap? _map;
    private TemporalSmoother? _smoother;
    private OverlayComposer? _composer;
    private OverlayOptions _overlayOptions = new();
    private byte[] _overlay = [];

    private IStagedInference Staged => _detector!;

    [GlobalSetup]
    public void Setup()
    {
        _detector = new BlurDetector(new BlurDetectorOptions { Provider = ExecutionProvider.Cpu });
        _input = Staged.CreateInput();
        _source = new SyntheticFocusPullSource(new SyntheticSceneOptions { Width = Width, Height = Height }, frameCount: 1);
        _frame = _source.ReadFrameAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
        Staged.Prepare(_frame, _input, 1f);
        _map = new BlurMapPool(_input.Width, _input.Height).Rent();
        Staged.Infer(_input, _map, CancellationToken.None);
        _smoother = new TemporalSmoother(TemporalSmoothingOptions.Default, static (width, height) => new DisFlowAligner(width, height));
        _smoother.Apply(_frame, _map);
        _composer = new OverlayComposer();
        _overlay = GC.AllocateUninitializedArray<byte>(Width * Height * 3, pinned: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _composer?.Dispose();
        _smoother?.Dispose();
        _map?.Dispose();
        _frame?.Dispose();
        _source?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _input?.Dispose();
        _detector?.Dispose();
    }

    [Benchmark(Description = "preprocess 1280x720 -> slot 320x320")]
    public void Preprocess() => Staged.Prepare(_frame!, _input!, 1f);

    [Benchmark(Description = "inference 320x320 -> pooled map")]
    public void Inference() => Staged.Infer(_input!, _map!, CancellationToken.None);

    [Benchmark(Description = "smoothing (DIS flow) 320x320")]
    public bool Smoothing() => _smoother!.Apply(_frame!, _map!);

    [Benchmark(Description = "overlay heatmap 1280x720")]
    public void Overlay()
    {
        _frame!.Pixels.CopyTo(_overlay);
        _composer!.Compose(_overlay, Width, Height, _frame.Stride, _map!.Values, _map.Width, _map.Height, default, 0, _overlayOptions);
    }
}
