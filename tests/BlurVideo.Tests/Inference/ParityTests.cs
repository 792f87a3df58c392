using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

/// <summary>
/// Every fixture model <c>Fixtures/**/&lt;name&gt;.onnx</c> with <c>&lt;name&gt;.input.bin</c> and <c>&lt;name&gt;.output.bin</c>
/// beside it, and every shipped model <c>models/&lt;name&gt;.onnx</c> with those files in <c>Fixtures/parity/</c>
/// (raw little-endian float32, [1, 3, H, W] and [1, 1, H, W]) reproduces the saved PyTorch output within
/// 1e-4 when run through the detector's bound tensors. H and W come from the card's <c>parity_size</c> [H, W], else
/// the input is square. An INT8 model (card <c>"precision": "int8"</c>) is compared with training/quantize.py's
/// evaluation of the same quantized graph: ONNX Runtime's integer kernels round their requantizations on their own,
/// so a map value may differ by a few steps of the output grid, and on average by far less.
/// </summary>
[TestFixture]
public sealed class ParityTests
{
    private const float Tolerance = 1e-4f;
    private const float Int8LargestDifference = 0.03f;
    private const float Int8MeanDifference = 0.002f;

    public static IEnumerable<TestCaseData> ParityFixtures()
    {
        var fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");
        var fixtureModels = Directory.Exists(fixtures)
            ? Directory.EnumerateFiles(fixtures, "*.onnx", SearchOption.AllDirectories)
                .Select(model => (Model: model, Reference: Path.ChangeExtension(model, null)))
            : [];
        var shippedModels = ShippedModels()
            .Select(model => (Model: model, Reference: Path.Combine(fixtures, "parity", Path.GetFileNameWithoutExtension(model))));
        return fixtureModels.Concat(shippedModels)
            .Where(c => File.Exists(c.Reference + ".input.bin") && File.Exists(c.Reference + ".output.bin"))
            .OrderBy(c => c.Model, StringComparer.Ordinal)
            .Select(c => new TestCaseData(c.Model, c.Reference).SetArgDisplayNames(Path.GetFileName(c.Model)));
    }

    /// <summary>The shipped models, copied from the repository's models/ next to the test output.</summary>
    private static IEnumerable<string> ShippedModels()
    {
        var models = Path.Combine(TestContext.CurrentContext.TestDirectory, "models");
        return Directory.Exists(models) ? Directory.EnumerateFiles(models, "*.onnx") : [];
    }

    [Test]
    public void The_tiny_fixture_is_among_the_parity_cases() =>
        Assert.That(ParityFixtures().Select(testCase => Path.GetFileName((string)testCase.Arguments[0]!)), Does.Contain("tiny_blur.onnx"));

    [Test]
    public void Every_shipped_model_has_a_parity_case()
    {
        var cases = ParityFixtures().Select(testCase => (string)testCase.Arguments[0]!).ToArray();
        Assert.That(ShippedModels(), Is.Not.Empty, "models/ is copied next to the tests");
        Assert.That(ShippedModels(), Is.SubsetOf(cases));
    }

    [TestCaseSource(nameof(ParityFixtures))]
    public void Onnx_runtime_reproduces_the_pytorch_output(string modelPath, string reference)
    {
        Assume.That(BitConverter.IsLittleEndian, "the fixtures are little-endian");
        var input = ReadFloats(reference + ".input.bin");
        var expected = ReadFloats(reference + ".output.bin");
        var (height, width) = ParitySize(modelPath, input.Length);
        Assert.That(expected, Has.Length.EqualTo(height * width), "output.bin holds [1, 1, H, W]");

        using var options = new SessionOptions();
        options.AppendExecutionProvider_CPU();
        using var session = new InferenceSession(modelPath, options);
        using var runOptions = new RunOptions();
        using var tensors = TensorBinding.ForCpu(session, width, height);
        input.CopyTo(tensors.Input);
        tensors.Run(runOptions);
        var actual = tensors.Output.ToArray();

        var differences = actual.Zip(expected, (a, e) => Math.Abs(a - e)).ToArray();
        var int8 = Precision(modelPath) == "int8";
        Assert.Multiple(() =>
        {
            Assert.That(differences.Max(), Is.LessThanOrEqualTo(int8 ? Int8LargestDifference : Tolerance),
                $"largest |ONNX Runtime - reference| at {width}x{height}");
            if (int8)
            {
                Assert.That(differences.Average(), Is.LessThanOrEqualTo(Int8MeanDifference), "mean |ONNX Runtime - reference|");
            }

            Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(int8 ? Int8LargestDifference : Tolerance), "the reference output is not constant");
        });
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Length % sizeof(float), Is.Zero, $"{path} holds whole float32 values");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static string? Precision(string modelPath)
    {
        var card = Path.ChangeExtension(modelPath, ".json");
        if (!File.Exists(card))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(card));
        return document.RootElement.TryGetProperty("precision", out var precision) ? precision.GetString() : null;
    }

    private static (int Height, int Width) ParitySize(string modelPath, int inputLength)
    {
        var card = Path.ChangeExtension(modelPath, ".json");
        if (File.Exists(card))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(card));
            if (document.RootElement.TryGetProperty("parity_size", out var size) && size.GetArrayLength() == 2)
            {
                var (height, width) = (size[0].GetInt32(), size[1].GetInt32());
                Assert.That(inputLength, Is.EqualTo(3 * height * width), $"input.bin holds [1, 3, {height}, {width}] (parity_size)");
                return (height, width);
            }
        }

        var side = (int)Math.Round(Math.Sqrt(inputLength / 3.0));
        Assert.That(3 * side * side, Is.EqualTo(inputLength), "without parity_size the input must be square [1, 3, S, S]");
        return (side, side);
    }
}
