namespace BlurVideo.Pipeline;

/// <summary>What an alignment step found.</summary>
/// <param name="Aligned">False when there was no previous frame (first frame, after a reset): the map was copied.</param>
/// <param name="SceneChange">Mean absolute grey-level change against the previous frame, in [0, 1].</param>
internal readonly record struct MapAlignment(bool Aligned, float SceneChange);

/// <summary>
/// Motion compensation for temporal smoothing: warps the previous frame's smoothed map into the current
/// frame's geometry. The current frame becomes the reference for the next call. One call per frame.
/// </summary>
internal interface ITemporalAligner : IDisposable
{
    MapAlignment Align(VideoFrame frame, ReadOnlySpan<float> previousMap, Span<float> warpedMap);

    /// <summary>Forgets the reference frame (after a reconnect or a gap).</summary>
    void Reset();
}
