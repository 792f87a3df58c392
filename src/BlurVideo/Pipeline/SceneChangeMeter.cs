namespace BlurVideo.Pipeline;

/// <summary>
/// The pipeline's one scene-change rule: the mean absolute grey-level change between consecutive frames, in [0, 1],
/// sampled on a fixed 64 × 48 grid of the frame (so it means the same at every frame and map size, with or without
/// motion compensation). <see cref="TemporalSmoothingOptions.SceneCutThreshold"/> is compared with it.
/// </summary>
/// <remarks>Used from one thread; allocates only at construction.</remarks>
internal sealed class SceneChangeMeter
{
    private const int GridWidth = 64;
    private const int GridHeight = 48;
    private readonly byte[] _previousGrid = new byte[GridWidth * GridHeight];
    private readonly byte[] _currentGrid = new byte[GridWidth * GridHeight];
    private int _previousWidth;
    private int _previousHeight;
    private bool _hasPrevious;

    /// <summary>The change against the previous frame; null for the first frame, after a reset or a change of frame size.</summary>
    public float? Measure(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        SampleGrey(frame, _currentGrid);
        float? change = null;
        if (_hasPrevious && frame.Width == _previousWidth && frame.Height == _previousHeight)
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
        return change;
    }

    /// <summary>Forgets the previous frame.</summary>
    public void Reset() => _hasPrevious = false;

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
