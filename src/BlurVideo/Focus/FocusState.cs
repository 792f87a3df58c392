namespace BlurVideo.Focus;

/// <summary>Whether a frame's focus region is in focus (see <see cref="FocusStateTracker"/>).</summary>
public enum FocusState
{
    /// <summary>No frame seen yet (or after <see cref="FocusStateTracker.Reset"/>).</summary>
    Unknown,

    /// <summary>The region's mean blur probability is below the threshold.</summary>
    InFocus,

    /// <summary>The region's mean blur probability is at or above the threshold.</summary>
    OutOfFocus,
}
