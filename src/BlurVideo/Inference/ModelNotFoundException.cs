namespace BlurVideo.Inference;

/// <summary>A model name or path that does not lead to an .onnx file with its JSON card. The message lists the available models.</summary>
public sealed class ModelNotFoundException : BlurVideoException
{
    public ModelNotFoundException()
    {
    }

    public ModelNotFoundException(string message)
        : base(message)
    {
    }

    public ModelNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public ModelNotFoundException(string message, IReadOnlyList<string> availableModels)
        : base(message)
    {
        AvailableModels = availableModels;
    }

    /// <summary>The names of the models found in the models folder (empty when none or unknown).</summary>
    public IReadOnlyList<string> AvailableModels { get; } = [];
}
