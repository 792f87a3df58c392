using System.Globalization;

namespace BlurVideo.Imaging;

/// <summary>What the overlay draws over the picture.</summary>
internal enum OverlayMode
{
    /// <summary>A colour heatmap of the blur map (blue sharp, red blurred) blended over the picture.</summary>
    Heatmap,

    /// <summary>Focus peaking: the picture's edges that lie in sharp areas, painted in the peaking colour.</summary>
    Peaking,

    /// <summary>Only the outline of the in-focus areas, in the peaking colour.</summary>
    Outline,
}

/// <summary>How the picture under the overlay is shown (monitors' Color / Mono / black).</summary>
internal enum OverlayBackground
{
    Colour,
    Mono,
    Black,
}

/// <summary>The overlay's settings, as camera monitors name them (see <see cref="OverlayComposer"/>).</summary>
internal sealed record OverlayOptions
{
    public OverlayMode Mode { get; init; } = OverlayMode.Heatmap;

    public OverlayBackground Background { get; init; } = OverlayBackground.Colour;

    /// <summary>Peaking and outline colour, 0xRRGGBB.</summary>
    public uint PeakingColor { get; init; } = OverlayRenderer.DefaultPeakingColor;

    /// <summary>Peaking sensitivity as an edge strength in grey levels (a step of s levels has strength s); lower = more edges.</summary>
    public float PeakingThreshold { get; init; } = 40f;

    /// <summary>When set, the sensitivity is this percentile (0–100) of the frame's edge strengths instead of <see cref="PeakingThreshold"/>.</summary>
    public float? PeakingPercentile { get; init; }

    /// <summary>Weight of the heatmap over the picture, in [0, 1].</summary>
    public float HeatmapOpacity { get; init; } = 0.45f;

    /// <summary>Punch-in: 1 (off), 2, 3 or 4 times.</summary>
    public int Magnification { get; init; } = 1;

    /// <summary>Where to punch in, relative to the frame (0..1); the magnified window stays inside the frame.</summary>
    public float MagnifyX { get; init; } = 0.5f;

    public float MagnifyY { get; init; } = 0.5f;

    /// <summary>Draw the zone grid with each zone's score (percent sharp).</summary>
    public bool ZoneGrid { get; init; }

    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public void Validate()
    {
        if (!(PeakingThreshold >= 0f && PeakingThreshold <= 255f))
        {
            throw Invalid(nameof(PeakingThreshold), PeakingThreshold, "[0, 255]");
        }

        if (PeakingPercentile is { } percentile && !(percentile >= 0f && percentile <= 100f))
        {
            throw Invalid(nameof(PeakingPercentile), percentile, "[0, 100]");
        }

        if (!(HeatmapOpacity >= 0f && HeatmapOpacity <= 1f))
        {
            throw Invalid(nameof(HeatmapOpacity), HeatmapOpacity, "[0, 1]");
        }

        if (Magnification is < 1 or > 4)
        {
            throw Invalid(nameof(Magnification), Magnification, "1, 2, 3 or 4");
        }

        if (!(MagnifyX >= 0f && MagnifyX <= 1f && MagnifyY >= 0f && MagnifyY <= 1f))
        {
            throw Invalid(nameof(MagnifyX), $"({MagnifyX}, {MagnifyY})", "[0, 1] x [0, 1]");
        }

        if (PeakingColor > 0xFFFFFF || !Enum.IsDefined(Mode) || !Enum.IsDefined(Background))
        {
            throw Invalid(nameof(PeakingColor), PeakingColor, "0xRRGGBB with a known mode and background");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string name, object value, string range) =>
        new(name, string.Create(CultureInfo.InvariantCulture, $"{name} is {value}; it must be in {range}."));
}
