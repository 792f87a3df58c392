using BlurVideo.Measurement.Evaluation;
using BlurVideo.Pipeline;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

/// <summary>Models and cards that cannot be used fail with one clear <see cref="BlurVideoException"/>; fixed-shape networks run at their shape.</summary>
[TestFixture]
public sealed class ModelValidationTests
{
    private string _models = "";

    [SetUp]
    public void CreateModelsFolder() => _models = TestPaths.CreateTempFolder("model-validation");

    [TearDown]
    public void DeleteModelsFolder() => Directory.Delete(_models, recursive: true);

    [Test]
    public void Every_failure_the_sdk_throws_on_purpose_is_a_blur_video_exception()
    {
        Type[] family =
        [
            typeof(ModelNotFoundException), typeof(InvalidModelException), typeof(GpuUnavailableException),
            typeof(FrameSourceException), typeof(BlurVideoNativeException), typeof(SampleMismatchException),
        ];

        Assert.That(family, Has.All.Matches<Type>(type => type.IsSubclassOf(typeof(BlurVideoException))));
    }

    [TestCase("null", "must be a JSON object, not null")]
    [TestCase("[]", "must be a JSON object, not an array")]
    [TestCase("\"card\"", "must be a JSON object, not a string")]
    [TestCase("""{"input_size": [100000, 100000], "mean": [0, 0, 0], "std": [1, 1, 1]}""", "larger than 4096")]
    [TestCase("""{"input_size": [64, 64], "mean": [0, 0, 1e60], "std": [1, 1, 1]}""", "out of range")]
    [TestCase("""{"input_size": [64, 64], "mean": [0, 0, 0], "std": [1, 1, 1], "architecture": 7}""", null)]
    public void A_card_that_cannot_be_used_is_one_line_naming_the_card(string card, string? reason)
    {
        var model = CopyTinyModel("odd", card);

        if (reason is null)
        {
            using var detector = new BlurDetector(InferenceTestKit.TinyCpu() with { Model = model });
            Assert.That(detector.Model.Architecture, Is.EqualTo("unknown"));
            return;
        }

        var error = Assert.Throws<InvalidModelException>(() => new BlurDetector(InferenceTestKit.TinyCpu() with { Model = model }).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("odd.json").And.Contain(reason));
            Assert.That(error.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public void An_onnx_file_that_onnx_runtime_cannot_load_is_an_invalid_model_wrapping_its_exception()
    {
        var model = CopyTinyModel("broken", File.ReadAllText(Path.ChangeExtension(InferenceTestKit.TinyModelPath, ".json")));
        File.WriteAllText(model, "not a protobuf");

        var error = Assert.Throws<InvalidModelException>(() => new BlurDetector(InferenceTestKit.TinyCpu() with { Model = model }).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.InnerException, Is.InstanceOf<OnnxRuntimeException>());
            Assert.That(error.Message, Does.StartWith("ONNX Runtime cannot load the model").And.Contain("broken.onnx"));
            Assert.That(error.Message, Does.Not.Contain('\n'));
        });
    }

    [TestCase(InputSizePolicy.Native)]
    [TestCase(InputSizePolicy.KeepAspectRatio)]
    [TestCase(InputSizePolicy.ModelCard)]
    public void A_fixed_shape_network_runs_at_its_shape_under_every_policy(InputSizePolicy policy)
    {
        const int width = 200;
        const int height = 150;
        var frame = InferenceTestKit.Frame(width, height);
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(policy) with { Model = Cli.CliRun.FixedShapeModel });

        using var map = detector.Detect(frame, width, height, width * 3);

        Assert.Multiple(() =>
        {
            Assert.That(detector.FixedInputSize, Is.EqualTo((96, 64)));
            Assert.That((map.Width, map.Height), Is.EqualTo((96, 64)));
            Assert.That(map.Values.ToArray(), Has.All.InRange(0f, 1f));
        });
    }

    [Test]
    public void A_fixed_shape_network_wins_over_a_card_that_disagrees()
    {
        var model = Path.Combine(_models, "fixed.onnx");
        File.Copy(Cli.CliRun.FixedShapeModel, model);
        File.Copy(Path.ChangeExtension(InferenceTestKit.TinyModelPath, ".json"), Path.ChangeExtension(model, ".json"));
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.ModelCard) with { Model = model });

        using var map = detector.Detect(InferenceTestKit.Frame(64, 64), 64, 64, 64 * 3);

        Assert.That((detector.Model.InputWidth, map.Width, map.Height), Is.EqualTo((64, 96, 64)));
    }

    [Test]
    public void A_free_shape_network_has_no_fixed_input_size()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());

        Assert.That(detector.FixedInputSize, Is.Null);
    }

    private string CopyTinyModel(string name, string card)
    {
        var model = Path.Combine(_models, name + ".onnx");
        File.Copy(InferenceTestKit.TinyModelPath, model);
        File.WriteAllText(Path.ChangeExtension(model, ".json"), card);
        return model;
    }
}
