using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;
using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

[TestFixture]
public sealed class SmoothingMeasurementTests
{
    [Test]
    public async Task Motion_compensated_smoothing_halves_flicker_on_the_synthetic_clip_without_losing_accuracy()
    {
        var scene = new SyntheticSceneOptions { Width = 320, Height = 240, Seed = 11, FocusPullPeriodFrames = 60, MotionPeriodFrames = 80 };
        var inference = new NoisyOracleInference(new SyntheticFocusPullScene(scene), noise: 0.45f, seed: 5);

        var comparison = await SmoothingMeasurement.CompareAsync(inference, scene, frames: 60, TemporalSmoothingOptions.Default);

        TestContext.Out.WriteLine($"unsmoothed {comparison.Unsmoothed}");
        TestContext.Out.WriteLine($"smoothed   {comparison.Smoothed}");
        TestContext.Out.WriteLine($"flicker ratio {comparison.FlickerRatio:F3}, Fbeta change {comparison.FBetaChange:+0.0000;-0.0000}");
        Assert.Multiple(() =>
        {
            Assert.That(comparison.Unsmoothed.Frames, Is.EqualTo(60));
            Assert.That(comparison.Smoothed.Frames, Is.EqualTo(60));
            Assert.That(comparison.FlickerRatio, Is.LessThanOrEqualTo(0.5));
            Assert.That(comparison.FBetaChange, Is.GreaterThanOrEqualTo(-0.01));
        });
    }
}
