using BlurVideo.Imaging;

namespace BlurVideo.Focus;

/// <summary>
/// Computes the <see cref="FocusFigures"/> of blur maps: blurred fraction, mean sharpness in a region of interest
/// and the largest in-focus region (one native connected-components pass).
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Owns a native <see cref="FocusRegionFinder"/> (label buffers reused between maps) until
/// <see cref="Dispose"/>. <b>Threads.</b> Use an instance from one thread at a time.
/// <b>Allocation.</b> <see cref="Measure(BlurMap)"/> allocates no managed memory.</para>
/// </remarks>
public sealed class FocusAnalyzer : IDisposable
{
    private readonly FocusRegionFinder _finder = new();

    /// <param name="regionOfInterest">Where to average the sharpness; null = <see cref="FocusRegionOfInterest.Centre"/>.</param>
    /// <param name="blurThreshold">Blur value from which a pixel counts as blurred (below it, in focus).</param>
    public FocusAnalyzer(FocusRegionOfInterest? regionOfInterest = null, float blurThreshold = 0.5f)
    {
        RegionOfInterest = regionOfInterest ?? FocusRegionOfInterest.Centre;
        RegionOfInterest.Validate();
        if (!(blurThreshold > 0f && blurThreshold <= 1f))
        {
            _finder.Dispose();
            throw new ArgumentOutOfRangeException(nameof(blurThreshold), blurThreshold, "The blur threshold must be in (0, 1].");
        }

        BlurThreshold = blurThreshold;
    }

    public FocusRegionOfInterest RegionOfInterest { get; }

    public float BlurThreshold { get; }

    /// <summary>The figures of a map (which stays its owner's).</summary>
    public FocusFigures Measure(BlurMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Measure(map.Values, map.Width, map.Height);
    }

    /// <summary>The figures of a tightly packed map, 1 = blurred.</summary>
    public FocusFigures Measure(ReadOnlySpan<float> map, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (map.Length < width * height)
        {
            throw new ArgumentException($"The map holds {map.Length} values, fewer than {width} x {height}.", nameof(map));
        }

        var region = _finder.Find(map, width, height, BlurThreshold);
        var sharpness = 1f - RegionOfInterest.MeanBlur(map, width, height);
        return new FocusFigures(1f - region.InFocusFraction, sharpness, region, width, height);
    }

    public void Dispose() => _finder.Dispose();
}
