using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

[TestFixture]
public sealed class ModelCatalogTests
{
    private static readonly string[] ShippedNames = ["alpha-m", "zeta-s"];
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];

    private string _models = "";

    [SetUp]
    public void CreateModelsFolder()
    {
        _models = TestPaths.CreateTempFolder("models");
        foreach (var name in new[] { "zeta-s", "alpha-m" })
        {
            File.Copy(InferenceTestKit.TinyModelPath, Path.Combine(_models, name + ".onnx"));
            File.Copy(Path.ChangeExtension(InferenceTestKit.TinyModelPath, ".json"), Path.Combine(_models, name + ".json"));
        }

        File.Copy(InferenceTestKit.TinyModelPath, Path.Combine(_models, "no-card.onnx"));
    }

    [TearDown]
    public void DeleteModelsFolder() => Directory.Delete(_models, recursive: true);

    [Test]
    public void Models_are_the_onnx_files_that_have_a_card()
    {
        Assert.That(ModelCatalog.ListModels(_models), Is.EqualTo(ShippedNames));
    }

    [Test]
    public void An_unknown_model_name_lists_the_available_ones()
    {
        var error = Assert.Throws<ModelNotFoundException>(
            () => new BlurDetector(new BlurDetectorOptions { Model = "defusionnet-xl", ModelsDirectory = _models }).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("defusionnet-xl").And.Contain("alpha-m, zeta-s"));
            Assert.That(error.AvailableModels, Is.EqualTo(ShippedNames));
        });
    }

    [Test]
    public void A_known_name_loads_the_model_and_its_card()
    {
        using var detector = new BlurDetector(
            new BlurDetectorOptions { Model = "zeta-s", ModelsDirectory = _models, Provider = ExecutionProvider.Cpu });

        Assert.Multiple(() =>
        {
            Assert.That(detector.Model.ModelPath, Is.EqualTo(Path.Combine(_models, "zeta-s.onnx")));
            Assert.That(detector.Model.Architecture, Is.EqualTo("tiny"));
            Assert.That((detector.Model.InputWidth, detector.Model.InputHeight), Is.EqualTo((64, 64)));
            Assert.That(detector.Model.Mean, Is.EqualTo(ImageNetMean));
        });
    }

    [Test]
    public void A_model_path_without_its_card_says_so()
    {
        var error = Assert.Throws<ModelNotFoundException>(() => ModelCatalog.Resolve(Path.Combine(_models, "no-card.onnx")));

        Assert.That(error!.Message, Does.Contain("no-card.json"));
    }

    [Test]
    public void A_card_without_input_size_is_an_invalid_model()
    {
        File.WriteAllText(Path.Combine(_models, "zeta-s.json"), """{"name": "zeta-s", "mean": [0, 0, 0], "std": [1, 1, 1]}""");

        var error = Assert.Throws<InvalidModelException>(() => ModelCatalog.Resolve("zeta-s", _models));

        Assert.That(error!.Message, Does.Contain("input_size"));
    }

    [Test]
    public void The_models_variable_names_the_folder()
    {
        var previous = Environment.GetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable, _models);

            Assert.That(ModelCatalog.FindModelsDirectory(), Is.EqualTo(_models));
            Assert.That(ModelCatalog.Resolve("alpha-m").Name, Is.EqualTo("tiny_blur"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelCatalog.ModelsDirectoryVariable, previous);
        }
    }
}
