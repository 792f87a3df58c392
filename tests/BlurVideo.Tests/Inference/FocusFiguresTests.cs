using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

[TestFixture]
public sealed class FocusFiguresTests
{
    private static readonly float[] ResizedRow = [0f, 0.25f, 0.75f, 1f];

    private const int Width = 8;
    private const int Height = 6;

    /// <summary>All blurred (1) except a sharp (0) 3x2 block at x 1..3, y 1..2 and a single sharp pixel at (6, 4).</summary>
    private static BlurMap HandMadeMap(BlurMapPool pool)
    {
        var map = pool.Rent();
        var values = map.Values;
        values.Fill(1f);
        for (var y = 1; y <= 2; y++)
        {
            for (var x = 1; x <= 3; x++)
            {
                values[y * Width + x] = 0f;
            }
        }

        values[4 * Width + 6] = 0.2f;
        return map;
    }

    [Test]
    public void Largest_in_focus_region_has_its_bounding_box_and_centroid()
    {
        var pool = new BlurMapPool(Width, Height);
        using var map = HandMadeMap(pool);
        using var analyzer = new FocusAnalyzer();

        var figures = analyzer.Measure(map);

        var region = figures.LargestInFocusRegion;
        Assert.Multiple(() =>
        {
            Assert.That(region.Found, Is.True);
            Assert.That((region.X, region.Y, region.Width, region.Height), Is.EqualTo((1, 1, 3, 2)));
            Assert.That(region.Area, Is.EqualTo(6));
            Assert.That(region.CentroidX, Is.EqualTo(2f).Within(1e-6f));
            Assert.That(region.CentroidY, Is.EqualTo(1.5f).Within(1e-6f));
            Assert.That(region.RegionCount, Is.EqualTo(2));
            Assert.That(figures.BlurredFraction, Is.EqualTo(41f / 48f).Within(1e-6f));
            Assert.That(figures.RelativeCentroid.X, Is.EqualTo(2.5f / 8f).Within(1e-6f));
            Assert.That(figures.RelativeCentroid.Y, Is.EqualTo(2f / 6f).Within(1e-6f));
        });
    }

    [Test]
    public void Centre_region_sharpness_is_the_mean_of_one_minus_blur_over_its_pixels()
    {
        var pool = new BlurMapPool(Width, Height);
        using var map = HandMadeMap(pool);
        using var analyzer = new FocusAnalyzer();

        var figures = analyzer.Measure(map);

        // Centre of 8x6: columns 2..5, rows 1..4 (16 pixels); sharp ones: (2,1) (3,1) (2,2) (3,2) = 4.
        Assert.That(FocusRegionOfInterest.Centre.ToPixels(Width, Height), Is.EqualTo((2, 1, 6, 5)));
        Assert.That(figures.RegionOfInterestSharpness, Is.EqualTo(4f / 16f).Within(1e-6f));
    }

    [Test]
    public void A_configured_region_of_interest_is_used()
    {
        var pool = new BlurMapPool(Width, Height);
        using var map = HandMadeMap(pool);
        using var bottomRight = new FocusAnalyzer(new FocusRegionOfInterest(0.75f, 0.5f, 0.25f, 0.5f));

        var figures = bottomRight.Measure(map);

        // Columns 6..7, rows 3..5: six pixels, one of them 0.2 blurred (sharpness 0.8).
        Assert.That(figures.RegionOfInterestSharpness, Is.EqualTo(0.8f / 6f).Within(1e-6f));
    }

    [Test]
    public void An_all_blurred_map_has_no_in_focus_region()
    {
        var pool = new BlurMapPool(Width, Height);
        using var map = pool.Rent();
        map.Values.Fill(0.9f);
        using var analyzer = new FocusAnalyzer();

        var figures = analyzer.Measure(map);

        Assert.Multiple(() =>
        {
            Assert.That(figures.LargestInFocusRegion.Found, Is.False);
            Assert.That(figures.BlurredFraction, Is.EqualTo(1f));
            Assert.That(figures.RegionOfInterestSharpness, Is.EqualTo(0.1f).Within(1e-6f));
        });
    }

    [Test]
    public void An_empty_or_outside_region_of_interest_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FocusAnalyzer(new FocusRegionOfInterest(0.5f, 0.5f, 0f, 0.1f)).Dispose());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FocusAnalyzer(new FocusRegionOfInterest(0.8f, 0f, 0.5f, 1f)).Dispose());
    }

    [Test]
    public void Resize_to_the_frame_size_is_bilinear_into_the_callers_buffer()
    {
        var pool = new BlurMapPool(2, 1);
        using var map = pool.Rent();
        map.Values[0] = 0f;
        map.Values[1] = 1f;
        var frame = new float[4 * 2];

        map.ResizeTo(frame, 4, 2);

        // INTER_LINEAR with aligned pixel centres: x = 0..3 samples source x -0.25, 0.25, 0.75, 1.25 (clamped).
        Assert.That(frame[..4], Is.EqualTo(ResizedRow).Within(1e-6f));
        Assert.That(frame[4..], Is.EqualTo(ResizedRow).Within(1e-6f));
        Assert.Throws<ArgumentException>(() => map.ResizeTo(new float[3], 4, 2));
    }
}
