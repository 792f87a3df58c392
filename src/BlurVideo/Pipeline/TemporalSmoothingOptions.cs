namespace BlurVideo.Pipeline;

/// <summary>
/// Per-pixel exponential smoothing of the blur probability over time, motion-compensated and change-aware:
/// <c>s(t) = w · warp(s(t−1)) + (1 − w) · m(t)</c>, where warp moves the previous smoothed map to the current
/// frame's geometry with dense optical flow (DIS), and the history weight <c>w</c> is <see cref="Strength"/>
/// for small per-pixel changes <c>|m(t) − warp(s(t−1))| ≤ ChangeThreshold</c> (jitter), falling linearly to 0
/// at twice the threshold (a real change — focus moved, an object entered — passes through without lag).
/// The history is reset on scene cuts.
/// </summary>
public sealed record TemporalSmoothingOptions
{
    /// <summary>Smoothing on, with the defaults below.</summary>
    public static TemporalSmoothingOptions Default { get; } = new();

    /// <summary>Smoothing off: every result is the raw per-frame map.</summary>
    public static TemporalSmoothingOptions Disabled { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Weight of the (warped) history in [0, 1): 0 = no smoothing, closer to 1 = smoother and slower to react
    /// (default 0.9; how it was chosen and what it does: the README's temporal smoothing section).
    /// </summary>
    public float Strength { get; init; } = 0.9f;

    /// <summary>
    /// Per-pixel change up to which the history keeps its full weight; above it the weight fades to 0 at twice
    /// this value. <c>1</c> = plain exponential smoothing.
    /// </summary>
    public float ChangeThreshold { get; init; } = 0.25f;

    /// <summary>Warp the history by optical flow before blending. Off: blend in place (for comparison).</summary>
    public bool MotionCompensation { get; init; } = true;

    /// <summary>
    /// Mean absolute grey-level change between consecutive frames (0–1, sampled on a fixed grid of the frame) above
    /// which the history is discarded.
    /// </summary>
    public float SceneCutThreshold { get; init; } = 0.25f;

    internal void Validate()
    {
        if (Strength is < 0f or >= 1f || float.IsNaN(Strength))
        {
            throw new ArgumentOutOfRangeException(nameof(Strength), Strength, "Strength must be in [0, 1).");
        }

        if (ChangeThreshold is <= 0f or > 1f || float.IsNaN(ChangeThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(ChangeThreshold), ChangeThreshold, "The change threshold must be in (0, 1].");
        }

        if (SceneCutThreshold is <= 0f or > 1f || float.IsNaN(SceneCutThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(SceneCutThreshold), SceneCutThreshold, "The scene-cut threshold must be in (0, 1].");
        }
    }
}
