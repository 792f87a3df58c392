namespace BlurVideo.Focus;

/// <summary>The focus figures of one blur map (see <see cref="FocusAnalyzer"/>).</summary>
/// <param name="BlurredFraction">Pixels with blur ≥ the threshold (0.5) over all pixels.</param>
/// <param name="RegionOfInterestSharpness">Mean of <c>1 - blur</c> over the region of interest: 1 = all sharp.</param>
/// <param name="LargestInFocusRegion">The largest 8-connected region with blur below the threshold: bounding box,
/// area and centroid in map pixels (its <see cref="FocusRegion.Found"/> is false when nothing is in focus).</param>
/// <param name="MapWidth">Width of the map the figures come from.</param>
/// <param name="MapHeight">Height of the map.</param>
public readonly record struct FocusFigures(
    float BlurredFraction, float RegionOfInterestSharpness, FocusRegion LargestInFocusRegion, int MapWidth, int MapHeight)
{
    /// <summary>The largest in-focus region's centroid relative to the map's size (0..1), which is the same in a frame of any size.</summary>
    public (float X, float Y) RelativeCentroid => LargestInFocusRegion.Found
        ? ((LargestInFocusRegion.CentroidX + 0.5f) / MapWidth, (LargestInFocusRegion.CentroidY + 0.5f) / MapHeight)
        : (0f, 0f);
}
