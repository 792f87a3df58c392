namespace BlurVideo.Pipeline;

/// <summary>What an <see cref="IFrameSource"/> reads (see <see cref="Sources.FrameSources.Classify"/> for input strings).</summary>
public enum FrameSourceKind
{
    /// <summary>A video file.</summary>
    File,

    /// <summary>A V4L2 camera, by index (<c>0</c>) or device path (<c>/dev/video0</c>).</summary>
    Camera,

    /// <summary>A network stream (rtsp, rtsps, rtmp, http, https, udp, tcp).</summary>
    Network,

    /// <summary>A printf-style image sequence pattern such as <c>frames/%04d.png</c>.</summary>
    ImageSequence,

    /// <summary>A folder of images, read in name order.</summary>
    ImageFolder,

    /// <summary>Frames generated in process (e.g. a synthetic test scene).</summary>
    Generated,

    /// <summary>Frames pushed by the application.</summary>
    Pushed,
}
