namespace BlurVideo.Imaging;

/// <summary>Describes a frame delivered by <see cref="VideoReader.TryReadFrame(Span{byte}, out VideoFrameInfo)"/>.</summary>
/// <param name="Index">0-based number of the frame since the reader was opened.</param>
/// <param name="Timestamp">
/// The source's presentation time of the frame; for sources without one, index / fps, or the time since
/// opening when the frame rate is unknown.
/// </param>
internal readonly record struct VideoFrameInfo(long Index, TimeSpan Timestamp);
