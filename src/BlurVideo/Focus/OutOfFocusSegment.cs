namespace BlurVideo.Focus;

/// <summary>A stretch of frames whose region was out of focus (see <see cref="OutOfFocusDetector"/>).</summary>
/// <param name="Start">Source time of the first out-of-focus frame.</param>
/// <param name="End">Source time of the first frame after the segment (the end of the stream for a segment still open there).</param>
/// <param name="StartFrame">Sequence number of the first out-of-focus frame.</param>
/// <param name="EndFrame">Sequence number of the first frame after the segment (exclusive).</param>
/// <param name="MeanFocusScore">Mean focus score (1 − the mean blur of the region's sharpest part, see <see cref="OutOfFocusOptions.SharpestFraction"/>) over the segment's frames.</param>
/// <param name="WorstFocusScore">The lowest focus score in the segment.</param>
/// <param name="WorstFrame">Sequence number of the frame with the lowest focus score.</param>
/// <param name="Region">The region the score was measured on.</param>
public readonly record struct OutOfFocusSegment(
    TimeSpan Start,
    TimeSpan End,
    long StartFrame,
    long EndFrame,
    float MeanFocusScore,
    float WorstFocusScore,
    long WorstFrame,
    FocusRegionOfInterest Region)
{
    public TimeSpan Duration => End - Start;
}
