using BlurVideo.Imaging;

namespace BlurVideo.Pipeline.Sources;

/// <summary>Opens the right <see cref="IFrameSource"/> for an input string, as the command line accepts it.</summary>
public static class FrameSources
{
    /// <summary>The input that selects the <see cref="SyntheticFocusPullSource"/>.</summary>
    public const string Synthetic = "synthetic";

    /// <summary>
    /// <c>synthetic</c> → the synthetic focus pull (endless unless <paramref name="syntheticFrameCount"/>; live when
    /// <paramref name="live"/>); an existing folder → its images in name order; anything else → the native video
    /// reader: a camera index (<c>0</c>) or device (<c>/dev/video0</c>), a URL (rtsp, rtsps, rtmp, http(s), udp, tcp),
    /// a <c>%</c> image-sequence pattern, or a video file.
    /// </summary>
    /// <exception cref="FrameSourceException">The source cannot be opened.</exception>
    public static IFrameSource Open(
        string input,
        bool live = false,
        long? syntheticFrameCount = null,
        SyntheticSceneOptions? syntheticScene = null,
        VideoReaderOptions? readerOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (string.Equals(input, Synthetic, StringComparison.OrdinalIgnoreCase))
        {
            return new SyntheticFocusPullSource(syntheticScene, syntheticFrameCount, live);
        }

        if (Directory.Exists(input))
        {
            return new ImageFolderSource(input);
        }

        return new VideoReaderSource(input, readerOptions);
    }
}
