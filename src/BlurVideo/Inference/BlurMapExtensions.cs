using BlurVideo.Imaging;
using OpenCvSharp;

namespace BlurVideo.Inference;

/// <summary>Operations on the maps a <see cref="BlurDetector"/> produces.</summary>
public static class BlurMapExtensions
{
    /// <summary>
    /// Resizes the map bilinearly (OpenCV INTER_LINEAR) into <paramref name="destination"/>, tightly packed,
    /// <paramref name="width"/> x <paramref name="height"/> (e.g. the frame's size). Allocates nothing managed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than <paramref name="width"/> x <paramref name="height"/>.</exception>
    public static void ResizeTo(this BlurMap map, Span<float> destination, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (destination.Length < (long)width * height)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats, fewer than {width} x {height}.", nameof(destination));
        }

        MapResampler.Resize(map.Values, map.Width, map.Height, destination, width, height);
    }

    /// <summary>
    /// The map as an OpenCV <see cref="Mat"/> (<c>CV_32FC1</c>, <see cref="BlurMap.Width"/> x <see cref="BlurMap.Height"/>)
    /// over the map's own memory, without a copy: writes through the Mat change the map. The Mat is valid while the map
    /// is (until the map is disposed); dispose the Mat header when done.
    /// </summary>
    public static unsafe Mat AsMat(this BlurMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        fixed (float* values = map.Values)
        {
            // The map's buffer is allocated pinned, so its address stays valid after this block.
            return Mat.FromPixelData(map.Height, map.Width, MatType.CV_32FC1, (nint)values);
        }
    }
}
