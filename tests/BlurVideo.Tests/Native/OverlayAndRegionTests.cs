using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>Heatmap and focus-peaking overlays, map resizing, and the largest in-focus region.</summary>
[TestFixture]
public sealed class OverlayAndRegionTests
{
    private const int Width = 64;
    private const int Height = 32;
    private static readonly float[] LeftSharpRightBlurred = [0f, 1f];
    private static readonly float[] BilinearQuarters = [0f, 0.25f, 0.75f, 1f];

    [Test]
    public void Heatmap_is_blue_where_sharp_red_where_blurred_and_respects_opacity()
    {
        using var renderer = new OverlayRenderer();
        var frame = Stripes();
        renderer.RenderHeatmap(frame, Width, Height, Width * 3, LeftSharpRightBlurred, 2, 1, opacity: 0f);
        Assert.That(frame, Is.EqualTo(Stripes()));

        renderer.RenderHeatmap(frame, Width, Height, Width * 3, LeftSharpRightBlurred, 2, 1, opacity: 1f);
        var left = Pixel(frame, 2, 16);
        var right = Pixel(frame, Width - 3, 16);
        Assert.That(left.B, Is.GreaterThan(left.R), "sharp is blue");
        Assert.That(right.R, Is.GreaterThan(right.B), "blurred is red");

        var half = Stripes();
        renderer.RenderHeatmap(half, Width, Height, Width * 3, LeftSharpRightBlurred, 2, 1, opacity: 0.5f);
        Assert.That(Pixel(half, 2, 16).B, Is.EqualTo((Pixel(Stripes(), 2, 16).B + left.B) / 2.0).Within(1));
    }

    [Test]
    public void Focus_peaking_paints_edges_only_in_sharp_areas()
    {
        using var renderer = new OverlayRenderer();
        var frame = Stripes();
        renderer.RenderFocusPeaking(frame, Width, Height, Width * 3, LeftSharpRightBlurred, 2, 1, color: 0x00FF00);

        int paintedLeft = 0, paintedRight = 0, paintedFlat = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var (b, g, r) = Pixel(frame, x, y);
                if (b != 0 || g != 255 || r != 0)
                {
                    continue;
                }

                if (x < Width / 2)
                {
                    paintedLeft++;
                }
                else
                {
                    paintedRight++;
                }

                if (x % 8 is >= 2 and <= 5)
                {
                    paintedFlat++;
                }
            }
        }

        Assert.That(paintedLeft, Is.GreaterThanOrEqualTo(3 * Height));
        Assert.That(paintedRight, Is.Zero);
        Assert.That(paintedFlat, Is.Zero, "flat stripe interiors have no edges");
    }

    [Test]
    public void Largest_in_focus_region_reports_box_centroid_area_and_fraction()
    {
        const int MapWidth = 20, MapHeight = 10;
        var map = new float[MapWidth * MapHeight];
        Array.Fill(map, 0.9f);
        Fill(map, MapWidth, 3, 2, 6, 4, 0.1f);   // 24 pixels
        Fill(map, MapWidth, 15, 7, 2, 2, 0.2f);  // 4 pixels

        using var finder = new FocusRegionFinder();
        var region = finder.Find(map, MapWidth, MapHeight);

        Assert.That(region, Is.EqualTo(new FocusRegion(true, 3, 2, 6, 4, 24, 5.5f, 3.5f, 2, 28f / 200f)));
        Array.Fill(map, 1f);
        Assert.That(finder.Find(map, MapWidth, MapHeight), Is.EqualTo(new FocusRegion(false, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
    }

    [Test]
    public void Map_resize_is_bilinear_with_clamped_edges()
    {
        var resized = new float[4];
        MapResampler.Resize(LeftSharpRightBlurred, 2, 1, resized, 4, 1);
        Assert.That(resized, Is.EqualTo(BilinearQuarters).Within(1e-6f));
    }

    private static byte[] Stripes()
    {
        var frame = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                frame.AsSpan(((y * Width) + x) * 3, 3).Fill((x / 8) % 2 == 0 ? (byte)30 : (byte)220);
            }
        }

        return frame;
    }

    private static (byte B, byte G, byte R) Pixel(byte[] frame, int x, int y)
    {
        var p = ((y * Width) + x) * 3;
        return (frame[p], frame[p + 1], frame[p + 2]);
    }

    private static void Fill(float[] map, int mapWidth, int left, int top, int width, int height, float value)
    {
        for (var y = top; y < top + height; y++)
        {
            map.AsSpan((y * mapWidth) + left, width).Fill(value);
        }
    }
}
