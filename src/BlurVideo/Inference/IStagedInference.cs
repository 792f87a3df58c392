namespace BlurVideo.Inference;

/// <summary>
/// An inference whose two steps can run on two threads at once: <see cref="Prepare"/> fills an
/// <see cref="InferenceInput"/> the caller owns (no shared state, so the next frame is preprocessed while the
/// current one runs), <see cref="Infer"/> runs the network on a prepared input (serialized by the implementation).
/// The pipeline uses it when the inference offers it (<c>BlurDetector</c> does) and falls back to
/// <see cref="IBlurInference.Run"/> otherwise.
/// </summary>
internal interface IStagedInference : IBlurInference
{
    /// <summary>An empty input slot; the caller owns it and disposes it before the inference is disposed.</summary>
    InferenceInput CreateInput();

    /// <summary>The input size a frame of this size runs at when its side is scaled by <paramref name="scale"/> (1 = full quality).</summary>
    (int Width, int Height) GetInputSize(int frameWidth, int frameHeight, float scale);

    /// <summary>Preprocesses the frame into <paramref name="input"/> at the scaled input size. Safe to call while <see cref="Infer"/> runs on another input.</summary>
    void Prepare(VideoFrame frame, InferenceInput input, float scale);

    /// <summary>
    /// Runs the network on a prepared input and writes the map into <paramref name="destination"/>, resampled when
    /// the destination is larger than the input (a reduced-quality frame still gives a full-size map).
    /// </summary>
    void Infer(InferenceInput input, BlurMap destination, CancellationToken cancellationToken);
}

/// <summary>
/// One input slot of a staged inference: the bound input and output tensors and the native preprocessor for one
/// input size. One owner at a time (the preprocessing stage, then the inference stage); re-created only when the
/// input size changes.
/// </summary>
internal sealed class InferenceInput : IDisposable
{
    internal TensorBinding? Tensors { get; set; }

    internal Imaging.Preprocessor? Preprocessor { get; set; }

    /// <summary>Width of the prepared input (0 before the first frame).</summary>
    public int Width { get; internal set; }

    /// <summary>Height of the prepared input.</summary>
    public int Height { get; internal set; }

    public void Dispose()
    {
        Tensors?.Dispose();
        Tensors = null;
        Preprocessor?.Dispose();
        Preprocessor = null;
    }
}
