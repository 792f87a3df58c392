using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NUnit.Framework;

namespace BlurVideo.Tests.OnnxRuntime;

/// <summary>
/// ONNX Runtime from its NuGet package runs the tiny fixture model and reproduces the PyTorch output recorded beside it.
/// </summary>
[TestFixture]
public sealed class TinyModelTests
{
    private const int Height = 64;
    private const int Width = 64;
    private const float ParityTolerance = 1e-4f;

    // The contract of every BlurVideo model: image [N, 3, H, W] in, blur [N, 1, H, W] out, N/H/W dynamic (-1).
    private static readonly string[] ImageInputName = ["image"];
    private static readonly string[] BlurOutputName = ["blur"];
    private static readonly int[] ImageDimensions = [-1, 3, -1, -1];
    private static readonly int[] BlurDimensions = [-1, 1, -1, -1];

    private static string TinyFixture(string fileName) => Path.Combine(TestPaths.Fixtures, "tiny", fileName);

    private static float[] ReadFloat32File(string path, int expectedCount)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes, Has.Length.EqualTo(expectedCount * sizeof(float)), $"size of {path}");
        var values = new float[expectedCount];
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The fixtures are little-endian float32.");
        }

        return values;
    }

    [Test]
    public void Cpu_execution_provider_is_available()
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();

        Assert.That(providers, Does.Contain("CPUExecutionProvider"));
    }

    [Test]
    public void Tiny_model_declares_the_blur_map_contract()
    {
        using var session = new InferenceSession(TinyFixture("tiny_blur.onnx"));

        Assert.That(session.InputNames, Is.EqualTo(ImageInputName));
        Assert.That(session.OutputNames, Is.EqualTo(BlurOutputName));
        var input = session.InputMetadata["image"];
        var output = session.OutputMetadata["blur"];
        Assert.Multiple(() =>
        {
            Assert.That(input.ElementDataType, Is.EqualTo(TensorElementType.Float));
            Assert.That(input.Dimensions, Is.EqualTo(ImageDimensions));
            Assert.That(output.ElementDataType, Is.EqualTo(TensorElementType.Float));
            Assert.That(output.Dimensions, Is.EqualTo(BlurDimensions));
        });
    }

    [Test]
    public void Tiny_model_reproduces_the_pytorch_output_within_1e4()
    {
        var input = ReadFloat32File(TinyFixture("tiny_blur.input.bin"), 3 * Height * Width);
        var expected = ReadFloat32File(TinyFixture("tiny_blur.output.bin"), Height * Width);
        var actual = new float[Height * Width];

        using var options = new SessionOptions();
        options.AppendExecutionProvider_CPU();
        using var session = new InferenceSession(TinyFixture("tiny_blur.onnx"), options);
        using var runOptions = new RunOptions();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Height, Width]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(actual, [1, 1, Height, Width]);

        session.Run(runOptions, ImageInputName, [inputValue], BlurOutputName, [outputValue]);

        var largestDifference = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            largestDifference = Math.Max(largestDifference, Math.Abs(actual[i] - expected[i]));
        }

        Assert.Multiple(() =>
        {
            Assert.That(largestDifference, Is.LessThanOrEqualTo(ParityTolerance));
            Assert.That(actual, Has.All.InRange(0f, 1f), "blur maps are probabilities");
            Assert.That(actual.Max() - actual.Min(), Is.GreaterThan(ParityTolerance),
                "the fixture output varies, so the comparison is not against a constant");
        });
    }

    [Test]
    public void Io_binding_over_preallocated_buffers_runs_without_managed_allocations()
    {
        var input = ReadFloat32File(TinyFixture("tiny_blur.input.bin"), 3 * Height * Width);
        var expected = ReadFloat32File(TinyFixture("tiny_blur.output.bin"), Height * Width);
        var actual = new float[Height * Width];

        using var session = new InferenceSession(TinyFixture("tiny_blur.onnx"));
        using var runOptions = new RunOptions();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Height, Width]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(actual, [1, 1, Height, Width]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("image", inputValue);
        binding.BindOutput("blur", outputValue);
        session.RunWithBinding(runOptions, binding);

        const int steadyStateRuns = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var run = 0; run < steadyStateRuns; run++)
        {
            session.RunWithBinding(runOptions, binding);
        }

        var allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That(allocatedBytes, Is.Zero, "managed bytes allocated by the steady-state runs");
            Assert.That(actual, Is.EqualTo(expected).Within(ParityTolerance), "the bound output buffer holds the result");
        });
    }

    /// <summary>
    /// Without the CUDA 13 libraries the package's CUDA provider cannot load: a managed exception with ONNX Runtime's
    /// message (what a detector turns into its CPU fallback), never a crash. Only the process's first attempt names
    /// the missing library; later ones say "Failed to load shared library".
    /// </summary>
    [Test]
    public void Requesting_cuda_without_its_libraries_throws_a_runtime_exception()
    {
        Assume.That(Inference.InferenceTestKit.CudaIsUsable(), Is.False, "CUDA is usable here");
        using var options = new SessionOptions();

        var error = Assert.Throws<OnnxRuntimeException>(() =>
        {
            using var cuda = new OrtCUDAProviderOptions();
            options.AppendExecutionProvider_CUDA(cuda);
        });

        Assert.That(error!.Message, Does.Contain("Failed to load").And.Contain("cuda").IgnoreCase);
    }

    [Test]
    public void A_missing_model_fails_with_the_runtime_message_and_the_process_survives()
    {
        var missing = Path.Combine(TestPaths.Fixtures, "tiny", "no_such_model.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() =>
        {
            using var session = new InferenceSession(missing);
        });

        Assert.That(error!.Message, Does.Contain("no_such_model.onnx"));
    }
}
