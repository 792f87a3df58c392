namespace BlurVideo.Inference;

/// <summary>How <see cref="BlurDetector"/> chooses the network's input size for a frame.</summary>
public enum InputSizePolicy
{
    /// <summary>Always the model card's <c>input_size</c>; frames are stretched to it.</summary>
    ModelCard,

    /// <summary>
    /// About as many pixels as the card's <c>input_size</c>, in the frame's aspect ratio, each side rounded to a
    /// multiple of 32 (at least 32).
    /// </summary>
    KeepAspectRatio,
}
