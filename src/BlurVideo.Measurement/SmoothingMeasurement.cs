using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline;

namespace BlurVideo.Measurement;

/// <summary>How steady and how accurate one run's maps were against the synthetic ground truth.</summary>
/// <param name="Frames">Frames scored.</param>
/// <param name="Flicker">Mean |m(t) − m(t−1)| over pixels whose label did not change (see <see cref="TemporalStabilityMeter"/>).</param>
/// <param name="Jitter">The same mean over pixels where the unsmoothed decision held too (see <see cref="TemporalStabilityMeter"/>).</param>
/// <param name="DecisionFlipShare">Share of the flicker where the unsmoothed decision flipped (see <see cref="TemporalStabilityMeter"/>).</param>
/// <param name="FBeta">Fβ (β² = 0.3) at 0.5, blurred positive, per frame then averaged.</param>
/// <param name="Mae">Mean absolute error per frame, averaged.</param>
/// <param name="IoU">IoU at 0.5, blurred positive, per frame, averaged.</param>
public sealed record StabilityFigures(int Frames, double Flicker, double Jitter, double DecisionFlipShare, double FBeta, double Mae, double IoU);

/// <summary>The same clip without and with temporal smoothing.</summary>
public sealed record SmoothingComparison(StabilityFigures Unsmoothed, StabilityFigures Smoothed)
{
    /// <summary>Smoothed flicker / unsmoothed flicker (the goal: at most 0.5).</summary>
    public double FlickerRatio => Unsmoothed.Flicker > 0 ? Smoothed.Flicker / Unsmoothed.Flicker : 0;

    /// <summary>Smoothed jitter / unsmoothed jitter, over the same pixels (those where the raw decision held).</summary>
    public double JitterRatio => Unsmoothed.Jitter > 0 ? Smoothed.Jitter / Unsmoothed.Jitter : 0;

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
        var rawDecisions = new Dictionary<long, byte[]>();
        var unsmoothed = await MeasureAsync(inference, scene, frames, TemporalSmoothingOptions.Disabled, rawDecisions, cancellationToken).ConfigureAwait(false);
        var smoothed = await MeasureAsync(inference, scene, frames, smoothing with { Enabled = true }, rawDecisions, cancellationToken).ConfigureAwait(false);
        return new SmoothingComparison(unsmoothed, smoothed);
    }

    /// <summary>
    /// Scores one run. Unsmoothed, it records each frame's decision (map ≥ 0.5) into <paramref name="rawDecisions"/>;
    /// smoothed, it reads them from there, so that jitter is measured over the same pixels in both runs.
    /// </summary>
    private static async Task<StabilityFigures> MeasureAsync(
        IBlurInference inference, SyntheticSceneOptions scene, int frames, TemporalSmoothingOptions smoothing,
        Dictionary<long, byte[]> rawDecisions, CancellationToken cancellationToken = default)
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
                if (smoothing.Enabled)
                {
                    meter.Add(resized, label, rawDecisions[result.SequenceNumber]);
                }
                else
                {
                    meter.Add(resized, label);
                    rawDecisions[result.SequenceNumber] = Decisions(resized);
                }
            }
        }

        var accuracy = meter.Accuracy();
        return new StabilityFigures(meter.Frames, meter.Flicker, meter.Jitter, meter.DecisionFlipShare, accuracy.FBeta, accuracy.Mae, accuracy.IoU);
    }

    private static byte[] Decisions(ReadOnlySpan<float> map)
    {
        var decisions = new byte[map.Length];
        for (var i = 0; i < map.Length; i++)
        {
            decisions[i] = map[i] >= 0.5f ? (byte)1 : (byte)0;
        }

        return decisions;
    }
}
