using BlurVideo.Imaging;
using BlurVideo.Inference;

namespace BlurVideo.Pipeline;

public sealed partial class BlurMap
{
    /// <summary>
    /// Resizes the map bilinearly (OpenCV INTER_LINEAR) into <paramref name="destination"/>, tightly packed,
    /// <paramref name="width"/> x <paramref name="height"/> (e.g. the frame's size). Allocates nothing managed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than <paramref name="width"/> x <paramref name="height"/>.</exception>
    public void ResizeTo(Span<float> destination, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (destination.Length < (long)width * height)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats, fewer than {width} x {height}.", nameof(destination));
        }

        MapResampler.Resize(Values, Width, Height, destination, width, height);
    }

    /// <summary>This map's focus figures (blurred fraction, sharpness in the analyzer's region of interest, largest in-focus region).</summary>
    public FocusFigures MeasureFocus(FocusAnalyzer analyzer)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        return analyzer.Measure(this);
    }
}
