using BenchmarkDotNet.Attributes;
using BlurVideo.Inference;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Benchmarks;

/// <summary>
/// Network time per model at 320×320 on the CPU (tensors bound once, as <see cref="BlurDetector"/> runs them), and a
/// whole <see cref="BlurDetector.Detect(ReadOnlySpan{byte}, int, int, int)"/> of a 640×480 frame at the model
/// card's size and at the frame's own size (preprocess + network + copy into the pooled map); allocations per
/// call from the memory diagnoser.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private const int FrameWidth = 640;
    private const int FrameHeight = 480;

    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private TensorBinding? _tensors;
    private BlurDetector? _detector;
    private BlurDetector? _nativeDetector;
    private byte[] _frame = [];

    public static IEnumerable<BenchmarkModel> Models => BenchmarkModels.All();

    [ParamsSource(nameof(Models))]
    public BenchmarkModel Model { get; set; } = new("");

    [GlobalSetup]
    public void Setup()
    {
        using var options = new SessionOptions();
        options.AppendExecutionProvider_CPU();
        _session = new InferenceSession(Model.Path, options);
        _runOptions = new RunOptions();
        _tensors = TensorBinding.ForCpu(_session, 320, 320);
        _tensors.Input.Fill(0.1f);
        _detector = new BlurDetector(new BlurDetectorOptions { Model = Model.Path, Provider = ExecutionProvider.Cpu });
        _nativeDetector = new BlurDetector(new BlurDetectorOptions
        {
            Model = Model.Path, Provider = ExecutionProvider.Cpu, InputSize = InputSizePolicy.Native,
        });
        _frame = BenchmarkModels.Frame(FrameWidth, FrameHeight);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector?.Dispose();
        _nativeDetector?.Dispose();
        _tensors?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Description = "network 320x320")]
    public void Network320() => _tensors!.Run(_runOptions!);

    [Benchmark(Description = "Detect 640x480 frame (card size)")]
    public void Detect()
    {
        using var map = _detector!.Detect(_frame, FrameWidth, FrameHeight, FrameWidth * 3);
    }

    [Benchmark(Description = "Detect 640x480 frame (native size)")]
    public void DetectNative()
    {
        using var map = _nativeDetector!.Detect(_frame, FrameWidth, FrameHeight, FrameWidth * 3);
    }
}
