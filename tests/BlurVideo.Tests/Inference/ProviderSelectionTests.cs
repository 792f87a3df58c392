using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

/// <summary>
/// The ONNX Runtime package has the CUDA provider, but a machine without the CUDA 13 libraries cannot load it, so
/// there every CUDA request exercises the fallback (or the failure, when the GPU is required).
/// </summary>
[TestFixture]
public sealed class ProviderSelectionTests
{
    [SetUp]
    public void RequireMachineWithoutCuda() =>
        Assume.That(InferenceTestKit.CudaIsUsable(), Is.False, "CUDA is usable here; the fallback cannot be observed");

    [Test]
    public void The_onnx_runtime_package_offers_the_cuda_provider_at_the_pinned_version()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OrtEnv.Instance().GetVersionString(), Is.EqualTo("1.31.0"));
            Assert.That(OrtEnv.Instance().GetAvailableProviders(), Does.Contain("CUDAExecutionProvider").And.Contain("CPUExecutionProvider"));
        });
    }

    [TestCase(ExecutionProvider.Cuda, LogLevel.Warning)]
    [TestCase(ExecutionProvider.Auto, LogLevel.Information)]
    public void Cuda_where_it_is_unavailable_falls_back_to_the_cpu_a_requested_one_with_a_warning(
        ExecutionProvider requested, LogLevel expectedLevel)
    {
        var logger = new RecordingLogger();
        var options = new BlurDetectorOptions
        {
            Model = InferenceTestKit.TinyModelPath, Provider = requested, Logger = logger, IntraOpThreads = 1,
        };

        using var detector = new BlurDetector(options);
        using var map = detector.Detect(InferenceTestKit.Frame(64, 64), 64, 64, 64 * 3);

        Assert.Multiple(() =>
        {
            Assert.That(detector.ActiveProvider, Is.EqualTo(ExecutionProvider.Cpu));
            Assert.That(detector.ProviderFallbackReason, Does.Contain("CUDA execution provider cannot be used: ").And.Contain("Failed to load"));
            Assert.That(detector.ProviderFallbackReason, Does.Not.Contain("\n"));
            Assert.That(logger.Entries.Where(entry => entry.Level == expectedLevel).Select(entry => entry.Message),
                Has.One.Contains("running on the CPU"));
            Assert.That(logger.Entries.Count(entry => entry.Message.Contains("running on the CPU", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(map.Values.ToArray(), Has.All.InRange(0f, 1f));
        });
    }

    [Test]
    public void The_cpu_provider_is_no_fallback()
    {
        var logger = new RecordingLogger();
        using var detector = new BlurDetector(
            new BlurDetectorOptions { Model = InferenceTestKit.TinyModelPath, Provider = ExecutionProvider.Cpu, Logger = logger });

        Assert.Multiple(() =>
        {
            Assert.That(detector.ActiveProvider, Is.EqualTo(ExecutionProvider.Cpu));
            Assert.That(detector.ProviderFallbackReason, Is.Null);
            Assert.That(logger.Entries, Has.None.Matches<(LogLevel Level, string Message)>(entry => entry.Level >= LogLevel.Warning));
        });
    }

    [TestCase(ExecutionProvider.Cuda)]
    [TestCase(ExecutionProvider.Auto)]
    public void Require_gpu_without_cuda_throws_a_clear_exception(ExecutionProvider requested)
    {
        var options = new BlurDetectorOptions { Model = InferenceTestKit.TinyModelPath, Provider = requested, RequireGpu = true };

        var error = Assert.Throws<GpuUnavailableException>(() => new BlurDetector(options).Dispose());

        Assert.That(error!.Message, Does.StartWith("A GPU is required but the CUDA execution provider cannot be used: ").And.Not.Contain("\n"));
    }

    [Test]
    public void Require_gpu_with_the_cpu_provider_is_a_contradiction()
    {
        var options = new BlurDetectorOptions { Model = InferenceTestKit.TinyModelPath, Provider = ExecutionProvider.Cpu, RequireGpu = true };

        Assert.Throws<ArgumentException>(() => new BlurDetector(options).Dispose());
    }
}
