using BlurVideo.Imaging;

namespace BlurVideo.Pipeline;

/// <summary>Motion compensation by OpenCV's DIS optical flow in the native shim: one native call per frame.</summary>
internal sealed class DisFlowAligner(int mapWidth, int mapHeight) : ITemporalAligner
{
    private readonly TemporalAligner _aligner = new(mapWidth, mapHeight, OpticalFlowPreset.Ultrafast);

    public bool Align(VideoFrame frame, ReadOnlySpan<float> previousMap, Span<float> warpedMap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return _aligner.Align(frame.Pixels, frame.Width, frame.Height, frame.Stride, previousMap, warpedMap).Aligned;
    }

    public void Reset() => _aligner.Reset();

    public void Dispose() => _aligner.Dispose();
}
