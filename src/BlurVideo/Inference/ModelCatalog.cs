namespace BlurVideo.Inference;

/// <summary>
/// Finds models: a shipped model by name in the models folder, or an .onnx path with its card beside it.
/// </summary>
/// <remarks>
/// The models folder is, in order: <c>$BLURVIDEO_MODELS</c>; <c>models/</c> next to the application
/// (<see cref="AppContext.BaseDirectory"/>, where the build copies the repository's models); the nearest
/// <c>models/</c> folder above the application (a repository checkout).
/// </remarks>
public static class ModelCatalog
{
    /// <summary>Environment variable that names the models folder.</summary>
    public const string ModelsDirectoryVariable = "BLURVIDEO_MODELS";

    /// <summary>
    /// The model used when none is named: the real-time default (video, the pipeline, the monitor, the report), the
    /// student's INT8 twin (static QDQ); its float model <c>fastblur-r18</c> stays shipped and selectable.
    /// </summary>
    public const string DefaultModelName = "fastblur-r18-int8";

    /// <summary>The most accurate shipped model: the default of <c>blurvideo detect</c> on photos.</summary>
    public const string MostAccurateModelName = "defusionnet-r18";

    /// <summary>The models folder, or null when there is none (see the class remarks for the order).</summary>
    public static string? FindModelsDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(ModelsDirectoryVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "models");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory).Parent; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "models");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Names of the models in <paramref name="modelsDirectory"/> (each an .onnx file with its .json card), sorted.</summary>
    public static IReadOnlyList<string> ListModels(string? modelsDirectory)
    {
        if (modelsDirectory is null || !Directory.Exists(modelsDirectory))
        {
            return [];
        }

        return Directory.EnumerateFiles(modelsDirectory, "*.onnx")
            .Where(path => File.Exists(Path.ChangeExtension(path, ".json")))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Resolves <paramref name="model"/>: a path (it ends with .onnx or names an existing file) or a model name
    /// looked up in <paramref name="modelsDirectory"/> (null = <see cref="FindModelsDirectory"/>).
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such model; the message lists the available ones.</exception>
    /// <exception cref="InvalidModelException">The model's card is invalid.</exception>
    public static ModelCard Resolve(string model, string? modelsDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(model))
        {
            return ModelCard.ReadFor(model);
        }

        var directory = modelsDirectory ?? FindModelsDirectory();
        var available = ListModels(directory);
        if (directory is not null && available.Contains(model, StringComparer.Ordinal))
        {
            return ModelCard.ReadFor(Path.Combine(directory, model + ".onnx"));
        }

        var where = directory is null
            ? $"no models folder was found (set {ModelsDirectoryVariable} or put models/ next to the application)"
            : $"models folder '{directory}'";
        var choices = available.Count == 0 ? "none" : string.Join(", ", available);
        throw new ModelNotFoundException(
            $"Unknown model '{model}' ({where}). Available models: {choices}. A path to an .onnx file with its .json card also works.",
            available);
    }
}
