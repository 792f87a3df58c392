namespace BlurVideo.Pipeline;

/// <summary>
/// An aligner that assumes no motion: the previous map is copied unchanged. Used when motion compensation is
/// switched off.
/// </summary>
internal sealed class UncompensatedAligner : ITemporalAligner
{
    private int _previousWidth;
    private int _previousHeight;
    private bool _hasPrevious;

    public bool Align(VideoFrame frame, ReadOnlySpan<float> previousMap, Span<float> warpedMap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        previousMap.CopyTo(warpedMap);
        var aligned = _hasPrevious && frame.Width == _previousWidth && frame.Height == _previousHeight;
        _previousWidth = frame.Width;
        _previousHeight = frame.Height;
        _hasPrevious = true;
        return aligned;
    }

    public void Reset() => _hasPrevious = false;

    public void Dispose()
    {
    }
}
