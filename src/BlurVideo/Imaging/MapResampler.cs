using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>Resizes float maps (e.g. blur maps to a frame's size) with OpenCV's bilinear interpolation.</summary>
internal static class MapResampler
{
    /// <summary>
    /// Resizes a tightly packed map of <paramref name="sourceWidth"/> x <paramref name="sourceHeight"/> into
    /// <paramref name="destination"/>, tightly packed, <paramref name="destinationWidth"/> x
    /// <paramref name="destinationHeight"/>. The spans must not overlap. Thread-safe; allocates nothing managed.
    /// </summary>
    /// <exception cref="BlurVideoNativeException">A span is smaller than its size says.</exception>
    public static unsafe void Resize(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight,
        Span<float> destination, int destinationWidth, int destinationHeight)
    {
        NativeShim.EnsureLoaded();
        fixed (float* from = source)
        fixed (float* to = destination)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_map_resize(
                from, (long)source.Length * sizeof(float), sourceWidth, sourceHeight, sourceWidth * sizeof(float),
                to, (long)destination.Length * sizeof(float), destinationWidth, destinationHeight,
                destinationWidth * sizeof(float)));
        }
    }
}
