namespace BlurVideo.Imaging;

/// <summary>What one <see cref="TemporalAligner.Align"/> call found.</summary>
/// <param name="Aligned">
/// True when the previous map was warped by the measured motion; false when there was no previous frame
/// (first frame, after <see cref="TemporalAligner.Reset"/>, or after a change of frame size) and the map was
/// copied unchanged.
/// </param>
/// <param name="SceneChange">
/// Mean absolute grey-level difference between the two frames at the flow size, in [0, 1]; 0 when not aligned.
/// Large values (say above 0.25) suggest a scene cut.
/// </param>
/// <param name="MeanMotion">Mean optical-flow magnitude in map pixels; 0 when not aligned.</param>
internal readonly record struct FrameAlignment(bool Aligned, float SceneChange, float MeanMotion);
