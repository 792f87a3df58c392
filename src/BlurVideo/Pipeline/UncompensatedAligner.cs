namespace BlurVideo.Pipeline;

/// <summary>
/// An aligner that assumes no motion: the previous map is copied unchanged. It still measures the
/// grey-level change between frames (on a coarse grid) so that scene cuts reset the smoothing.
/// Used when motion compensation is switched off.
/// </summary>
internal sealed class UncompensatedAligner : ITemporalAligner
{
    private const int GridWidth = 64;
    private const int GridHeight = 48;
    private readonly byte[] _previousGrid = new byte[GridWidth * GridHeight];
    private readonly byte[] _currentGrid = new byte[GridWidth * GridHeight];
    private int _previousWidth;
    private int _previousHeight;
    private bool _hasPrevious;

    public MapAlignment Align(VideoFrame frame, ReadOnlySpan<float> previousMap, Span<float> warpedMap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        previousMap.CopyTo(warpedMap);
        SampleGrey(frame, _currentGrid);

        var aligned = _hasPrevious && frame.Width == _previousWidth && frame.Height == _previousHeight;
        var change = 0f;
        if (aligned)
        {
            long sum = 0;
            for (var i = 0; i < _currentGrid.Length; i++)
            {
                sum += Math.Abs(_currentGrid[i] - _previousGrid[i]);
            }

            change = sum / (255f * _currentGrid.Length);
        }

        _currentGrid.CopyTo(_previousGrid, 0);
        _previousWidth = frame.Width;
        _previousHeight = frame.Height;
        _hasPrevious = true;
        return new MapAlignment(aligned, change);
    }

    public void Reset() => _hasPrevious = false;

    public void Dispose()
    {
    }

    private static void SampleGrey(VideoFrame frame, byte[] grid)
    {
        var pixels = frame.Pixels;
        for (var gy = 0; gy < GridHeight; gy++)
        {
            var y = (int)((gy + 0.5f) * frame.Height / GridHeight);
            var row = y * frame.Stride;
            for (var gx = 0; gx < GridWidth; gx++)
            {
                var x = (int)((gx + 0.5f) * frame.Width / GridWidth);
                var p = row + (x * 3);
                grid[(gy * GridWidth) + gx] = (byte)(((pixels[p] * 29) + (pixels[p + 1] * 150) + (pixels[p + 2] * 77)) >> 8);
            }
        }
    }
}
