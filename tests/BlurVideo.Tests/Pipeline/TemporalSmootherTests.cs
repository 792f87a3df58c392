using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

[TestFixture]
public sealed class TemporalSmootherTests
{
    private const int MapWidth = 40;
    private const int MapHeight = 30;

    [Test]
    public void Smoothing_a_noisy_static_sequence_more_than_halves_flicker_without_losing_accuracy()
    {
        var pool = new FramePool(64, 48);
        using var frame = pool.Rent();
        frame.Pixels.Fill(90);
        var maps = new BlurMapPool(MapWidth, MapHeight);
        var label = TwoHalvesLabel();
        var random = new Random(3);
        var raw = new TemporalStabilityMeter(MapWidth, MapHeight);
        var smoothed = new TemporalStabilityMeter(MapWidth, MapHeight);
        using var smoother = new TemporalSmoother(new TemporalSmoothingOptions { Strength = 0.7f }, static (_, _) => new UncompensatedAligner());

        for (var t = 0; t < 60; t++)
        {
            using var map = maps.Rent();
            var values = map.Values;
            for (var i = 0; i < values.Length; i++)
            {
                // A true probability of 0.25 (sharp) or 0.75 (blurred) with per-frame noise of ±0.3.
                values[i] = Math.Clamp((label[i] == 1 ? 0.75f : 0.25f) + (((float)random.NextDouble() - 0.5f) * 0.6f), 0f, 1f);
            }

            raw.Add(values, label);
            smoother.Apply(frame, map);
            smoothed.Add(map.Values, label);
        }

        TestContext.Out.WriteLine($"flicker {raw.Flicker:F4} -> {smoothed.Flicker:F4}; Fbeta {raw.Accuracy().FBeta:F4} -> {smoothed.Accuracy().FBeta:F4}");
        Assert.Multiple(() =>
        {
            Assert.That(smoothed.Flicker, Is.LessThan(raw.Flicker / 2));
            Assert.That(smoothed.Accuracy().FBeta, Is.GreaterThanOrEqualTo(raw.Accuracy().FBeta - 0.01));
        });
    }

    [Test]
    public void A_scene_cut_discards_the_history()
    {
        var pool = new FramePool(64, 48);
        var maps = new BlurMapPool(MapWidth, MapHeight);
        using var smoother = new TemporalSmoother(TemporalSmoothingOptions.Default with { MotionCompensation = false }, static (_, _) => new UncompensatedAligner());

        using (var dark = pool.Rent())
        using (var before = maps.Rent())
        {
            dark.Pixels.Fill(10);
            before.Values.Fill(1f);
            Assert.That(smoother.Apply(dark, before), Is.False, "scene cut at the first frame");
        }

        using var bright = pool.Rent();
        using var after = maps.Rent();
        bright.Pixels.Fill(240);
        after.Values.Clear();
        var sceneCut = smoother.Apply(bright, after);

        Assert.Multiple(() =>
        {
            Assert.That(sceneCut, Is.True);
            Assert.That(after.Values.ToArray(), Has.All.EqualTo(0f), "no blending across the cut");
        });
    }

    [Test]
    public void Without_a_cut_the_history_is_blended_with_the_configured_strength()
    {
        var pool = new FramePool(64, 48);
        var maps = new BlurMapPool(MapWidth, MapHeight);
        using var frame = pool.Rent();
        frame.Pixels.Fill(100);
        using var smoother = new TemporalSmoother(new TemporalSmoothingOptions { Strength = 0.25f, ChangeThreshold = 1f }, static (_, _) => new UncompensatedAligner());
        using (var first = maps.Rent())
        {
            first.Values.Fill(1f);
            smoother.Apply(frame, first);
        }

        using var second = maps.Rent();
        second.Values.Clear();
        smoother.Apply(frame, second);

        Assert.That(second.Values.ToArray(), Has.All.EqualTo(0.25f).Within(1e-6));
    }

    [Test]
    public void Small_changes_are_smoothed_and_large_changes_pass_through()
    {
        float[] history = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] current = [0.6f, 0.8f, 0.9f, 0.0f];
        TemporalSmoother.Blend(history, current, strength: 0.6f, changeThreshold: 0.2f);

        Assert.That(current, Is.EqualTo(new[]
        {
            0.6f + (0.6f * (0.5f - 0.6f)),  // change 0.1 <= threshold: full strength
            0.8f + (0.3f * (0.5f - 0.8f)),  // change 0.3: halfway between threshold and twice it
            0.9f,                           // change 0.4 = twice the threshold: no history
            0.0f,                           // change 0.5: no history
        }).Within(1e-6f));
    }

    [Test]
    public void Motion_compensation_by_optical_flow_follows_a_moving_object()
    {
        // The ball is in focus (sharp, 0) in front of a blurred scene (1) and crosses the frame quickly.
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { Width = 320, Height = 240, PullFocus = false, MotionPeriodFrames = 48, NoiseLevel = 1 });
        var pool = new FramePool(scene.Width, scene.Height);
        var maps = new BlurMapPool(80, 60);
        var fullLabel = new byte[scene.Width * scene.Height];
        var label = new byte[80 * 60];
        // Plain exponential smoothing (no change-aware pass-through), so that only the warp can remove the lag.
        var options = new TemporalSmoothingOptions { Strength = 0.6f, ChangeThreshold = 1f };
        using var compensated = new TemporalSmoother(options, static (w, h) => new DisFlowAligner(w, h));
        using var uncompensated = new TemporalSmoother(options with { MotionCompensation = false }, static (_, _) => new UncompensatedAligner());
        double compensatedError = 0, uncompensatedError = 0;

        for (var t = 0; t < 30; t++)
        {
            using var frame = pool.Rent();
            scene.Render(t, frame.Pixels, frame.Stride);
            scene.RenderLabel(t, fullLabel);
            for (var y = 0; y < 60; y++)
            {
                for (var x = 0; x < 80; x++)
                {
                    label[(y * 80) + x] = fullLabel[(((y * 4) + 2) * scene.Width) + (x * 4) + 2];
                }
            }

            using var a = maps.Rent();
            using var b = maps.Rent();
            for (var i = 0; i < label.Length; i++)
            {
                a.Values[i] = b.Values[i] = label[i];
            }

            compensated.Apply(frame, a);
            uncompensated.Apply(frame, b);
            if (t >= 5)
            {
                compensatedError += MeanAbsoluteError(a.Values, label);
                uncompensatedError += MeanAbsoluteError(b.Values, label);
            }
        }

        TestContext.Out.WriteLine($"lag error: uncompensated {uncompensatedError / 25:F4}, DIS-compensated {compensatedError / 25:F4}");
        Assert.That(compensatedError, Is.LessThan(uncompensatedError * 0.7), "warping the history with the flow removes most of the smoothing lag");
    }

    private static double MeanAbsoluteError(ReadOnlySpan<float> map, byte[] label)
    {
        double sum = 0;
        for (var i = 0; i < map.Length; i++)
        {
            sum += Math.Abs(map[i] - label[i]);
        }

        return sum / map.Length;
    }

    private static byte[] TwoHalvesLabel()
    {
        var label = new byte[MapWidth * MapHeight];
        for (var y = 0; y < MapHeight; y++)
        {
            for (var x = MapWidth / 2; x < MapWidth; x++)
            {
                label[(y * MapWidth) + x] = 1;
            }
        }

        return label;
    }
}
