namespace BlurVideo.Imaging;

/// <summary>What a <see cref="VideoReader"/> reads, as decided from its source string.</summary>
internal enum VideoSourceKind
{
    /// <summary>A video file, decoded with FFmpeg.</summary>
    File = 0,

    /// <summary>A V4L2 camera, by index (<c>"0"</c>) or device path (<c>"/dev/video0"</c>).</summary>
    Camera = 1,

    /// <summary>A network stream (rtsp, rtsps, rtmp, http, https, udp, tcp), through FFmpeg.</summary>
    Network = 2,

    /// <summary>A printf-style image sequence pattern such as <c>frames/%04d.png</c>.</summary>
    ImageSequence = 3,
}
