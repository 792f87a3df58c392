namespace BlurVideo.Imaging;

/// <summary>Speed/quality presets of OpenCV's DIS optical flow, used by <see cref="TemporalAligner"/>.</summary>
internal enum OpticalFlowPreset
{
    /// <summary>Fastest; good enough for motion compensation of low-resolution maps.</summary>
    Ultrafast = 0,

    /// <summary>Balanced.</summary>
    Fast = 1,

    /// <summary>Most accurate, slowest.</summary>
    Medium = 2,
}
