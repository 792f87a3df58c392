using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline.Sources;

namespace BlurVideo.Pipeline;

/// <summary>How steady and how accurate one run's maps were against the synthetic ground truth.</summary>
/// <param name="Frames">Frames scored.</param>
/// <param name="Flicker">Mean |m(t) − m(t−1)| over pixels whose label did not change (see <see cref="TemporalStabilityMeter"/>).</param>
/// <param name="FBeta">Fβ (β² = 0.3) at 0.5, blurred positive, per frame then averaged.</param>
/// <param name="Mae">Mean absolute error per frame, averaged.</param>
/// <param name="IoU">IoU at 0.5, blurred positive, per frame, averaged.</param>
public sealed record StabilityFigures(int Frames, double Flicker, double FBeta, double Mae, double IoU);

/// <summary>The same clip without and with temporal smoothing.</summary>
public sealed record SmoothingComparison(StabilityFigures Unsmoothed, StabilityFigures Smoothed)
{
    /// <summary>Smoothed flicker / unsmoothed flicker (the goal: at most 0.5).</summary>
    public double FlickerRatio => Unsmoothed.Flicker > 0 ? Smoothed.Flicker / Unsmoothed.Flicker : 0;

    /// <summary>Smoothed Fβ − unsmoothed Fβ (the goal: at least −0.01).</summary>
    public double FBetaChange => Smoothed.FBeta - Unsmoothed.FBeta;
}

/// <summary>
/// Measures temporal smoothing on the synthetic focus pull: the clip is run through the lossless pipeline,
/// every map is resized (bilinear) to the frame's size and scored against the frame's ground truth.
/// </summary>
public static class SmoothingMeasurement
{
    /// <summary>
    /// Runs the first <paramref name="frames"/> frames of the synthetic focus pull through <paramref name="detector"/>
    /// twice, without smoothing and with <paramref name="smoothing"/> (forced on), and scores both runs.
    /// </summary>
    public static Task<SmoothingComparison> CompareAsync(
        BlurDetector detector, SyntheticSceneOptions scene, int frames, TemporalSmoothingOptions smoothing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return CompareAsync((IBlurInference)detector, scene, frames, smoothing, cancellationToken);
    }

    internal static async Task<SmoothingComparison> CompareAsync(
        IBlurInference inference, SyntheticSceneOptions scene, int frames, TemporalSmoothingOptions smoothing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(smoothing);
        var unsmoothed = await MeasureAsync(inference, scene, frames, TemporalSmoothingOptions.Disabled, cancellationToken).ConfigureAwait(false);
        var smoothed = await MeasureAsync(inference, scene, frames, smoothing with { Enabled = true }, cancellationToken).ConfigureAwait(false);
        return new SmoothingComparison(unsmoothed, smoothed);
    }

    internal static async Task<StabilityFigures> MeasureAsync(
        IBlurInference inference, SyntheticSceneOptions scene, int frames, TemporalSmoothingOptions smoothing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 2);
        var source = new SyntheticFocusPullSource(scene, frames);
        var groundTruth = source.Scene;
        var meter = new TemporalStabilityMeter(groundTruth.Width, groundTruth.Height);
        var resized = new float[groundTruth.Width * groundTruth.Height];
        var label = new byte[groundTruth.Width * groundTruth.Height];
        var options = new BlurPipelineOptions { Latency = LatencyPolicy.Lossless, Smoothing = smoothing };
        await using var pipeline = new BlurPipeline(source, inference, options);
        await foreach (var result in pipeline.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            using (result)
            {
                var map = result.Map;
                MapResampler.Resize(map.Values, map.Width, map.Height, resized, groundTruth.Width, groundTruth.Height);
                groundTruth.RenderLabel(result.SequenceNumber, label);
                meter.Add(resized, label);
            }
        }

        var accuracy = meter.Accuracy();
        return new StabilityFigures(meter.Frames, meter.Flicker, accuracy.FBeta, accuracy.Mae, accuracy.IoU);
    }
}
