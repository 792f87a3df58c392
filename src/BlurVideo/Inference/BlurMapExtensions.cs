using BlurVideo.Imaging;

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
}
