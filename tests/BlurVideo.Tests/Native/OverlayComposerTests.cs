using NUnit.Framework;

namespace BlurVideo.Tests.Native;

[TestFixture]
public sealed class OverlayComposerTests
{
    private const int Width = 64;
    private const int Height = 48;
    private const uint Marker = 0x20FF40;

    [Test]
    public void A_mono_background_greys_every_pixel_except_the_peaking_marks()
    {
        var frame = TwoColourFrame();
        Compose(frame, Sharp(), new OverlayOptions { Mode = OverlayMode.Peaking, Background = OverlayBackground.Mono, PeakingColor = Marker, PeakingThreshold = 10 });

        var (grey, marked, other) = Classify(frame);
        Assert.That(other, Is.Zero, "pixels neither grey nor the peaking colour");
        Assert.That(marked, Is.GreaterThanOrEqualTo(Height), "the vertical edge is painted");
        Assert.That(grey, Is.GreaterThan(Width * Height * 9 / 10));
    }

    [Test]
    public void Outline_on_black_paints_only_the_border_of_the_in_focus_area()
    {
        var frame = TwoColourFrame();
        var map = new float[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = Width / 2; x < Width; x++)
            {
                map[(y * Width) + x] = 1f;
            }
        }

        Compose(frame, map, new OverlayOptions { Mode = OverlayMode.Outline, Background = OverlayBackground.Black, PeakingColor = Marker });

        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                var expected = x == (Width / 2) - 1 ? Bgr(Marker) : (0, 0, 0);
                Assert.That((frame[i], frame[i + 1], frame[i + 2]), Is.EqualTo(expected), $"pixel ({x}, {y})");
            }
        }
    }

    [Test]
    public void Magnifying_twice_at_the_top_left_corner_shows_its_quarter_at_double_size()
    {
        var frame = new byte[Width * Height * 3];
        new Random(5).NextBytes(frame);
        var original = (byte[])frame.Clone();
        Compose(frame, Sharp(), new OverlayOptions { HeatmapOpacity = 0f, Magnification = 2, MagnifyX = 0f, MagnifyY = 0f });

        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var (i, j) = (((y * Width) + x) * 3, (((y / 2) * Width) + (x / 2)) * 3);
                Assert.That((frame[i], frame[i + 1], frame[i + 2]), Is.EqualTo((original[j], original[j + 1], original[j + 2])), $"pixel ({x}, {y})");
            }
        }
    }

    [Test]
    public void A_higher_peaking_percentile_paints_fewer_edges()
    {
        var noise = new byte[Width * Height * 3];
        new Random(7).NextBytes(noise);
        int Painted(float percentile)
        {
            var frame = (byte[])noise.Clone();
            Compose(frame, Sharp(), new OverlayOptions { Mode = OverlayMode.Peaking, PeakingColor = Marker, PeakingPercentile = percentile });
            return Classify(frame).Marked;
        }

        var (half, most) = (Painted(50), Painted(95));
        Assert.That(half, Is.GreaterThan(most));
        Assert.That(most, Is.GreaterThan(0));
        Assert.That(half, Is.InRange(Width * Height * 4 / 10, Width * Height * 6 / 10), "about half the pixels at the 50th percentile");
    }

    [Test]
    public void The_zone_grid_draws_its_lines_and_scores()
    {
        var frame = new byte[Width * Height * 3];
        Compose(frame, Sharp(), new OverlayOptions { Background = OverlayBackground.Black, HeatmapOpacity = 0f, ZoneGrid = true }, [0.42f, 0.5f, 0.5f, 0.5f]);

        Assert.That(frame[((10 * Width) + (Width / 2)) * 3], Is.EqualTo(255), "vertical line between the 2 x 2 zones");
        Assert.That(frame[(((Height / 2) * Width) + 10) * 3], Is.EqualTo(255), "horizontal line");
        // "42" in the top-left zone: the 4's top-left cell is lit, its top-middle cell is not.
        Assert.That((frame[((2 * Width) + 2) * 3], frame[((2 * Width) + 3) * 3]), Is.EqualTo(((byte)255, (byte)0)));
    }

    [Test]
    public void Out_of_range_overlay_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlayOptions { Magnification = 5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlayOptions { HeatmapOpacity = 1.5f }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlayOptions { PeakingPercentile = 101 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlayOptions { PeakingColor = 0x1000000 }.Validate());
    }

    private static void Compose(byte[] frame, float[] map, OverlayOptions options, float[]? zones = null)
    {
        using var composer = new OverlayComposer();
        composer.Compose(frame, Width, Height, Width * 3, map, Width, Height, zones ?? [], zones is null ? 0 : 2, options);
    }

    private static float[] Sharp() => new float[Width * Height];

    /// <summary>Left half orange, right half teal: one vertical edge.</summary>
    private static byte[] TwoColourFrame()
    {
        var frame = new byte[Width * Height * 3];
        for (var i = 0; i < Width * Height; i++)
        {
            var left = i % Width < Width / 2;
            (frame[i * 3], frame[(i * 3) + 1], frame[(i * 3) + 2]) = left ? ((byte)30, (byte)140, (byte)240) : ((byte)180, (byte)160, (byte)20);
        }

        return frame;
    }

    private static (byte B, byte G, byte R) Bgr(uint colour) => ((byte)colour, (byte)(colour >> 8), (byte)(colour >> 16));

    private static (int Grey, int Marked, int Other) Classify(byte[] frame)
    {
        var (grey, marked, other) = (0, 0, 0);
        var marker = Bgr(Marker);
        for (var i = 0; i < frame.Length; i += 3)
        {
            if ((frame[i], frame[i + 1], frame[i + 2]) == marker)
            {
                marked++;
            }
            else if (frame[i] == frame[i + 1] && frame[i + 1] == frame[i + 2])
            {
                grey++;
            }
            else
            {
                other++;
            }
        }

        return (grey, marked, other);
    }
}
