using BenchmarkDotNet.Attributes;
using BlurVideo.Imaging;

namespace BlurVideo.Benchmarks;

/// <summary>The native one-call preprocess (resize, BGR→RGB, normalize, planar layout) of a frame into a 320×320 input tensor.</summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private Preprocessor? _preprocessor;
    private byte[] _frame = [];
    private float[] _tensor = [];

    [Params(640, 1920)]
    public int FrameWidth { get; set; }

    private int FrameHeight => FrameWidth * 9 / 16;

    [GlobalSetup]
    public void Setup()
    {
        _preprocessor = new Preprocessor(320, 320, Mean, Std);
        _frame = BenchmarkModels.Frame(FrameWidth, FrameHeight);
        _tensor = GC.AllocateUninitializedArray<float>(_preprocessor.TensorLength, pinned: true);
    }

    [GlobalCleanup]
    public void Cleanup() => _preprocessor?.Dispose();

    [Benchmark(Description = "preprocess to 320x320")]
    public void Preprocess() => _preprocessor!.Run(_frame, FrameWidth, FrameHeight, FrameWidth * 3, _tensor);
}
