using BenchmarkDotNet.Attributes;
using BlurVideo.Inference;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Benchmarks;

/// <summary>
/// Network time at 320×320 on the CPU, FP32 against its INT8 twin (<c>&lt;name&gt;-int8.onnx</c>), with the session
/// options and bound tensors <see cref="BlurDetector"/> uses. The models are the shipped ones named in
/// <c>BLURVIDEO_BENCH_MODELS</c> (comma-separated; default the video default, <c>defusionnet-s</c>, plus
/// <c>r2mrf-s</c> and <c>fastblur-r18</c>). <c>benchmarks/run.sh</c> runs it and puts it beside PyTorch eager.
/// </summary>
public class NetworkBenchmarks
{
    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private TensorBinding? _tensors;

    public static IEnumerable<string> Models =>
        (Environment.GetEnvironmentVariable("BLURVIDEO_BENCH_MODELS") ?? "defusionnet-s,r2mrf-s,fastblur-r18")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [Params("fp32", "int8")]
    public string Precision { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var directory = ModelCatalog.FindModelsDirectory() ?? throw new InvalidOperationException("No models folder.");
        var path = Path.Combine(directory, Precision == "int8" ? Model + "-int8.onnx" : Model + ".onnx");
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry(BlurDetector.IntraOpSpinningKey, "0");
        options.AppendExecutionProvider_CPU();
        _session = new InferenceSession(path, options);
        _runOptions = new RunOptions();
        _tensors = TensorBinding.ForCpu(_session, 320, 320);
        _tensors.Input.Fill(0.1f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tensors?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Description = "network 320x320")]
    public void Network320() => _tensors!.Run(_runOptions!);
}
