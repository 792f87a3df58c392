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

    /// <summary>
    /// The frame's own size, each side rounded to a multiple of 32, scaled down in its aspect ratio when it has
    /// more than <see cref="BlurDetectorOptions.MaxNativePixels"/>. Blur is measured in pixels: a photo shrunk to
    /// the card's size loses its mild blur, so photos are best judged at about their own resolution.
    /// </summary>
    Native,
}
