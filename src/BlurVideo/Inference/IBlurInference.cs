namespace BlurVideo.Inference;

/// <summary>
/// The pipeline's inference stage: preprocess a frame into the model's input, run the model, write the
/// blur probabilities into a caller-provided map. <c>BlurDetector</c> implements it; tests use fakes.
/// </summary>
/// <remarks>
/// The pipeline calls <see cref="Preprocess"/> then <see cref="Infer"/> for one frame at a time from a
/// single thread, so an implementation may keep one pre-allocated input tensor between the two calls.
/// Neither call may keep a reference to the frame or the map after it returns.
/// </remarks>
internal interface IBlurInference
{
    /// <summary>Size of the maps <see cref="Infer"/> writes for frames of the given size.</summary>
    (int Width, int Height) GetMapSize(int frameWidth, int frameHeight);

    /// <summary>Converts the frame into the model input (one native call).</summary>
    void Preprocess(VideoFrame frame);

    /// <summary>Runs the model on the last preprocessed frame and writes its blur map into <paramref name="destination"/>.</summary>
    void Infer(BlurMap destination, CancellationToken cancellationToken);
}
