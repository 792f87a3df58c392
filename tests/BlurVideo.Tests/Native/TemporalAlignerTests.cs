using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>DIS optical flow in the shim warps a blur map by the frames' motion.</summary>
[TestFixture]
public sealed class TemporalAlignerTests
{
    private const int FrameWidth = 160;
    private const int FrameHeight = 120;
    private const int ShiftX = 6;
    private const int ShiftY = 3;

    [TestCase(160, 120, 0, 0)]
    [TestCase(80, 60, 64, 48)]
    public void Warped_map_follows_a_known_translation(int mapWidth, int mapHeight, int flowWidth, int flowHeight)
    {
        // The content moves right by ShiftX and down by ShiftY between the frames.
        var first = NativeTestData.Texture(FrameWidth, FrameHeight, 20, 20);
        var second = NativeTestData.Texture(FrameWidth, FrameHeight, 20 - ShiftX, 20 - ShiftY);
        var scale = (double)mapWidth / FrameWidth;
        var map = SquareMap(mapWidth, mapHeight, scale, 0, 0);
        var warped = new float[map.Length];

        using var aligner = new TemporalAligner(mapWidth, mapHeight, OpticalFlowPreset.Medium, flowWidth, flowHeight);
        var initial = aligner.Align(first, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);
        Assert.That(initial.Aligned, Is.False);
        Assert.That(warped, Is.EqualTo(map));

        var moved = aligner.Align(second, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);

        Assert.That(moved.Aligned, Is.True);
        Assert.That(moved.MeanMotion, Is.EqualTo(Math.Sqrt((ShiftX * ShiftX) + (ShiftY * ShiftY)) * scale).Within(scale));
        Assert.That(moved.SceneChange, Is.GreaterThan(0f).And.LessThan(0.25f));
        var followed = InteriorError(warped, SquareMap(mapWidth, mapHeight, scale, ShiftX, ShiftY), mapWidth, mapHeight);
        var unmoved = InteriorError(warped, map, mapWidth, mapHeight);
        Assert.That(followed, Is.LessThan(0.03));
        Assert.That(unmoved, Is.GreaterThan(3 * followed));
    }

    [Test]
    public void A_still_scene_with_sensor_noise_leaves_the_map_where_it_was()
    {
        // Two renders of the synthetic scene with nothing moving: they differ only by sensor noise (and one is
        // textured, blurred and flat by turns: where DIS alone finds wandering sub-pixel motion).
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions
        {
            Width = FrameWidth, Height = FrameHeight, PullFocus = false, MoveBall = false, NoiseLevel = 3f,
        });
        var first = new byte[FrameWidth * FrameHeight * 3];
        var second = new byte[first.Length];
        scene.Render(0, first, FrameWidth * 3);
        scene.Render(1, second, FrameWidth * 3);
        Assert.That(second, Is.Not.EqualTo(first), "the frames differ by their noise");
        var random = new Random(5);
        var map = Enumerable.Range(0, FrameWidth * FrameHeight).Select(_ => random.NextSingle()).ToArray();
        var warped = new float[map.Length];

        using var aligner = new TemporalAligner(FrameWidth, FrameHeight);
        aligner.Align(first, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);
        var still = aligner.Align(second, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);

        var moved = map.Where((value, i) => warped[i] != value).Count();
        Assert.That(still.MeanMotion, Is.LessThan(0.02f));
        Assert.That(moved, Is.LessThan(map.Length / 100), "pixels whose history was moved");
    }

    [Test]
    public void A_cut_to_an_unrelated_frame_reports_a_large_scene_change_and_reset_forgets_the_reference()
    {
        var map = new float[32 * 24];
        var warped = new float[map.Length];
        var dark = new byte[FrameWidth * FrameHeight * 3];
        Array.Fill(dark, (byte)20);
        var bright = new byte[dark.Length];
        Array.Fill(bright, (byte)220);

        using var aligner = new TemporalAligner(32, 24);
        aligner.Align(dark, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);
        var cut = aligner.Align(bright, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);
        Assert.That(cut.SceneChange, Is.EqualTo(200f / 255f).Within(0.01f));

        aligner.Reset();
        Assert.That(aligner.Align(bright, FrameWidth, FrameHeight, FrameWidth * 3, map, warped).Aligned, Is.False);
    }

    [Test]
    public void Steady_state_alignment_allocates_nothing()
    {
        var frame = NativeTestData.Texture(FrameWidth, FrameHeight, 0, 0);
        var map = new float[40 * 30];
        var warped = new float[map.Length];
        using var aligner = new TemporalAligner(40, 30);
        aligner.Align(frame, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            aligner.Align(frame, FrameWidth, FrameHeight, FrameWidth * 3, map, warped);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    // A blurred square [50, 100) x [40, 80) in frame pixels, moved by (dx, dy) frame pixels, sampled at map size.
    private static float[] SquareMap(int width, int height, double scale, int dx, int dy)
    {
        var map = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var fx = ((x + 0.5) / scale) - dx;
                var fy = ((y + 0.5) / scale) - dy;
                map[(y * width) + x] = fx is >= 50 and < 100 && fy is >= 40 and < 80 ? 1f : 0f;
            }
        }

        return map;
    }

    private static double InteriorError(float[] actual, float[] expected, int width, int height)
    {
        var margin = width / 10;
        double total = 0;
        var count = 0;
        for (var y = margin; y < height - margin; y++)
        {
            for (var x = margin; x < width - margin; x++)
            {
                total += Math.Abs(actual[(y * width) + x] - expected[(y * width) + x]);
                count++;
            }
        }

        return total / count;
    }
}
