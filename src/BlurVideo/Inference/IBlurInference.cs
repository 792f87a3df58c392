namespace BlurVideo.Inference;

/// <summary>
/// The pipeline's inference stage: preprocess a frame into the model's input, run the model, write the
/// blur probabilities into a caller-provided map. <c>BlurDetector</c> implements it; tests use fakes.
/// </summary>
/// <remarks>
/// One call per frame does both steps, so an implementation shared by several pipelines can keep them together
/// (<c>BlurDetector</c> serializes its calls). The call may not keep a reference to the frame or the map after it returns.
/// </remarks>
internal interface IBlurInference
{
    /// <summary>Size of the maps <see cref="Run"/> writes for frames of the given size.</summary>
    (int Width, int Height) GetMapSize(int frameWidth, int frameHeight);

    /// <summary>
    /// Converts the frame into the model input, runs the model and writes its blur map into <paramref name="destination"/>.
    /// Returns the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which preprocessing ended (for the stage timings).
    /// </summary>
    long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken);
}
