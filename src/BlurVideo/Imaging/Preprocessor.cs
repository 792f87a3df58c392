using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// Turns a BGR8 frame of any size into a network input tensor in one native call: OpenCV's bilinear resize of the
/// 8-bit frame to the input size (INTER_LINEAR, as the training code's evaluation), then BGR → RGB, <c>v / 255</c>,
/// <c>(v - mean[c]) / std[c]</c>, planar CHW layout.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Owns a native preprocessor (its resized-frame buffer) until <see cref="Dispose"/>.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time.</para>
/// <para><b>Allocation.</b> <see cref="Run"/> allocates nothing.</para>
/// </remarks>
internal sealed class Preprocessor : IDisposable
{
    private readonly PreprocessorHandle _handle;

    /// <summary>Creates a preprocessor for a network input of <paramref name="inputWidth"/> x <paramref name="inputHeight"/>.</summary>
    /// <param name="inputWidth">Input tensor width.</param>
    /// <param name="inputHeight">Input tensor height.</param>
    /// <param name="mean">Three per-channel means in R, G, B order, on the 0..1 scale (from the model card).</param>
    /// <param name="std">Three per-channel standard deviations in R, G, B order (&gt; 0).</param>
    public unsafe Preprocessor(int inputWidth, int inputHeight, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length != 3 || std.Length != 3)
        {
            throw new ArgumentException("mean and std must have exactly three values (R, G, B).");
        }

        NativeShim.EnsureLoaded();
        fixed (float* meanValues = mean)
        fixed (float* stdValues = std)
        {
            NativeError.ThrowIfFailed(
                NativeMethods.bv_preprocessor_create(inputWidth, inputHeight, meanValues, stdValues, out _handle));
        }

        InputWidth = inputWidth;
        InputHeight = inputHeight;
    }

    /// <summary>Width of the produced tensor.</summary>
    public int InputWidth { get; }

    /// <summary>Height of the produced tensor.</summary>
    public int InputHeight { get; }

    /// <summary>Floats written by <see cref="Run"/>: <c>3 * InputWidth * InputHeight</c>.</summary>
    public int TensorLength => 3 * InputWidth * InputHeight;

    /// <summary>
    /// Writes the tensor for one frame into <paramref name="tensor"/> (at least <see cref="TensorLength"/> floats):
    /// <c>tensor[c * H * W + y * W + x]</c>, channels R, G, B.
    /// </summary>
    /// <param name="bgr">The frame's pixels, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="stride">Bytes between the starts of two rows (at least <c>width * 3</c>).</param>
    /// <param name="tensor">Destination, e.g. the memory of a pre-allocated ONNX Runtime input.</param>
    /// <exception cref="BlurVideoNativeException">A buffer is too small or the sizes are invalid.</exception>
    public unsafe void Run(ReadOnlySpan<byte> bgr, int width, int height, int stride, Span<float> tensor)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* pixels = bgr)
        fixed (float* values = tensor)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_preprocessor_run(
                _handle, pixels, bgr.Length, width, height, stride, values, tensor.Length));
        }
    }

    /// <summary>Releases the native preprocessor. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
