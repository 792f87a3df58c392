namespace BlurVideo;

/// <summary>
/// The largest 8-connected in-focus region of a blur map, in map pixel coordinates
/// (see <see cref="Focus.FocusFigures.LargestInFocusRegion"/>).
/// </summary>
/// <param name="Found">False when no pixel is in focus; then every other member except <paramref name="InFocusFraction"/> is 0.</param>
/// <param name="X">Left edge of the region's bounding box.</param>
/// <param name="Y">Top edge of the bounding box.</param>
/// <param name="Width">Width of the bounding box.</param>
/// <param name="Height">Height of the bounding box.</param>
/// <param name="Area">Pixels in the region.</param>
/// <param name="CentroidX">Mean x of the region's pixels.</param>
/// <param name="CentroidY">Mean y of the region's pixels.</param>
/// <param name="RegionCount">Number of separate in-focus regions in the map.</param>
/// <param name="InFocusFraction">In-focus pixels of the whole map divided by all its pixels.</param>
public readonly record struct FocusRegion(
    bool Found, int X, int Y, int Width, int Height, int Area, float CentroidX, float CentroidY, int RegionCount, float InFocusFraction);
