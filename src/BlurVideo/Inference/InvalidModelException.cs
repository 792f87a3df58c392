namespace BlurVideo.Inference;

/// <summary>
/// A model that exists but cannot be used: its JSON card is malformed or asks for an impossible input size, or ONNX
/// Runtime cannot load the network or it does not have the expected input and output (its exception is the inner one).
/// The message names the file and the reason.
/// </summary>
public sealed class InvalidModelException : BlurVideoException
{
    public InvalidModelException()
        : this("The model cannot be used.")
    {
    }

    public InvalidModelException(string message)
        : base(message)
    {
    }

    public InvalidModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
