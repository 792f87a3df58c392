using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

/// <summary>
/// The training code's ResNet-18 trunk (training/backbone.py, converted from the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18) computes the pooled feature ONNX Runtime computes with the package's own
/// file: <c>Fixtures/parity/resnet18-trunk.pooled.bin</c> is PyTorch's feature for the input
/// x[c, y, x] = 100 sin(0.05 x + 0.07 y + c) (training/fixtures.py --backbone).
/// </summary>
[TestFixture]
public sealed class BackboneParityTests
{
    private const int Side = 224;

    [Test]
    public void Onnx_runtime_on_the_package_file_reproduces_the_trunk_feature()
    {
        Assume.That(BitConverter.IsLittleEndian, "the fixture is little-endian");
        var expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(
            Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "parity", "resnet18-trunk.pooled.bin"))).ToArray();
        var input = new DenseTensor<float>([1, 3, Side, Side]);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < Side; y++)
            {
                for (var x = 0; x < Side; x++)
                {
                    input[0, c, y, x] = (float)(100 * Math.Sin(0.05 * x + 0.07 * y + c));
                }
            }
        }

        using var session = new InferenceSession(PackageModelPath());
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        var actual = results.Single().AsEnumerable<float>().ToArray();

        Assert.That(actual, Has.Length.EqualTo(512));
        Assert.That(expected, Has.Length.EqualTo(512));
        var largestDifference = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        Assert.Multiple(() =>
        {
            Assert.That(largestDifference, Is.LessThanOrEqualTo(1e-4f), "largest |ONNX Runtime - PyTorch| of the pooled feature");
            Assert.That(expected.Max(), Is.GreaterThan(1f), "the reference is a real feature");
        });
    }

    /// <summary>ResNet18.onnx in the NuGet cache ($NUGET_PACKAGES or ~/.nuget/packages), where the build's restore puts it.</summary>
    private static string PackageModelPath()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels",
            "ResNet18Onnx", "ResNet18.onnx");
        Assert.That(File.Exists(path), Is.True, $"{path} is restored by the test project's PackageDownload");
        return path;
    }
}
