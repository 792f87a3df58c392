using System.Globalization;

namespace BlurVideo.Focus;

/// <summary>
/// A rectangle of a map in coordinates relative to its size (0 = left/top edge, 1 = right/bottom edge), used for
/// the mean sharpness of <see cref="FocusFigures"/> and the region of a <see cref="FocusStateTracker"/>. It covers the pixels from <c>floor(X * width)</c> to
/// <c>ceil((X + Width) * width)</c> (exclusive), and likewise vertically; always at least one pixel.
/// </summary>
public readonly record struct FocusRegionOfInterest(float X, float Y, float Width, float Height)
{
    /// <summary>The central half of the frame in each direction (a quarter of its area): where subjects usually are.</summary>
    public static FocusRegionOfInterest Centre { get; } = new(0.25f, 0.25f, 0.5f, 0.5f);

    /// <summary>The whole map.</summary>
    public static FocusRegionOfInterest Whole { get; } = new(0f, 0f, 1f, 1f);

    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or leaves [0, 1] x [0, 1].</exception>
    public void Validate()
    {
        if (!(X >= 0f && Y >= 0f && Width > 0f && Height > 0f && X + Width <= 1.0001f && Y + Height <= 1.0001f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(FocusRegionOfInterest),
                string.Create(CultureInfo.InvariantCulture,
                    $"The region of interest ({X}, {Y}, {Width} x {Height}) must be non-empty and inside [0, 1] x [0, 1]."));
        }
    }

    /// <summary>The pixel columns [Left, Right) and rows [Top, Bottom) the region covers in a map of the given size.</summary>
    public (int Left, int Top, int Right, int Bottom) ToPixels(int mapWidth, int mapHeight)
    {
        var (left, right) = Span(X, Width, mapWidth);
        var (top, bottom) = Span(Y, Height, mapHeight);
        return (left, top, right, bottom);
    }

    /// <summary>
    /// The mean blur probability over the region of a tightly packed map, or over its <paramref name="sharpestFraction"/>
    /// least blurred pixels (a subject in focus before a soft background): the one focus-region rule.
    /// </summary>
    /// <exception cref="ArgumentException">The map holds fewer than <paramref name="width"/> x <paramref name="height"/> values.</exception>
    internal float MeanBlur(ReadOnlySpan<float> map, int width, int height, float sharpestFraction = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (map.Length < width * height)
        {
            throw new ArgumentException($"The map holds {map.Length} values, fewer than {width} x {height}.", nameof(map));
        }

        var (left, top, right, bottom) = ToPixels(width, height);
        var pixels = (right - left) * (bottom - top);
        if (sharpestFraction >= 1f)
        {
            var sum = 0.0;
            for (var y = top; y < bottom; y++)
            {
                foreach (var blur in map.Slice((y * width) + left, right - left))
                {
                    sum += blur;
                }
            }

            return (float)(sum / pixels);
        }

        // A histogram of the region's values, then the mean of its lowest bins up to the wanted count (bin centres;
        // the last bin counted in part): 1/256 resolution, no sort, no allocation.
        Span<int> histogram = stackalloc int[Bins];
        histogram.Clear();
        for (var y = top; y < bottom; y++)
        {
            foreach (var blur in map.Slice((y * width) + left, right - left))
            {
                histogram[Math.Clamp((int)(blur * Bins), 0, Bins - 1)]++;
            }
        }

        var wanted = Math.Max(1.0, sharpestFraction * pixels);
        var (counted, total) = (0.0, 0.0);
        for (var bin = 0; bin < Bins && counted < wanted; bin++)
        {
            var taken = Math.Min(histogram[bin], wanted - counted);
            total += taken * ((bin + 0.5) / Bins);
            counted += taken;
        }

        return (float)(total / counted);
    }

    private const int Bins = 256;

    private static (int Start, int End) Span(float start, float length, int size)
    {
        var first = Math.Clamp((int)MathF.Floor(start * size), 0, size - 1);
        var end = Math.Clamp((int)MathF.Ceiling((start + length) * size), first + 1, size);
        return (first, end);
    }
}
