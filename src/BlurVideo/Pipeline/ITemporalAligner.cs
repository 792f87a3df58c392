namespace BlurVideo.Pipeline;

/// <summary>
/// Motion compensation for temporal smoothing: warps the previous frame's smoothed map into the current
/// frame's geometry. The current frame becomes the reference for the next call. One call per frame.
/// </summary>
internal interface ITemporalAligner : IDisposable
{
    /// <summary>
    /// Warps <paramref name="previousMap"/> into <paramref name="warpedMap"/>; false when there was no previous frame
    /// (first frame, after a reset or a change of frame size) and the map was only copied.
    /// </summary>
    bool Align(VideoFrame frame, ReadOnlySpan<float> previousMap, Span<float> warpedMap);

    /// <summary>Forgets the reference frame (after a reconnect or a gap).</summary>
    void Reset();
}
