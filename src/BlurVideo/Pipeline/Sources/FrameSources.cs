using BlurVideo.Imaging;

namespace BlurVideo.Pipeline.Sources;

/// <summary>Classifies input strings as the command line accepts them and opens the matching <see cref="IFrameSource"/>.</summary>
public static class FrameSources
{
    /// <summary>
    /// What an input string names: an existing folder → <see cref="FrameSourceKind.ImageFolder"/>; a camera index
    /// (<c>0</c>) or <c>/dev/video*</c> → <see cref="FrameSourceKind.Camera"/>; a URL (<c>scheme://</c>) →
    /// <see cref="FrameSourceKind.Network"/>; a pattern with <c>%</c> → <see cref="FrameSourceKind.ImageSequence"/>;
    /// anything else → <see cref="FrameSourceKind.File"/>.
    /// </summary>
    public static FrameSourceKind Classify(string input)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (Directory.Exists(input))
        {
            return FrameSourceKind.ImageFolder;
        }

        if (input.StartsWith("/dev/video", StringComparison.Ordinal) || input.All(char.IsAsciiDigit))
        {
            return FrameSourceKind.Camera;
        }

        if (input.Contains("://", StringComparison.Ordinal))
        {
            return FrameSourceKind.Network;
        }

        return input.Contains('%', StringComparison.Ordinal) ? FrameSourceKind.ImageSequence : FrameSourceKind.File;
    }

    /// <summary>Opens the source <see cref="Classify"/> names: an <see cref="ImageFolderSource"/> or a <see cref="VideoReaderSource"/>.</summary>
    /// <param name="input">A folder, camera, URL, image-sequence pattern or video file.</param>
    /// <param name="readerOptions">Stream timeouts and camera capture settings.</param>
    /// <exception cref="FrameSourceException">The source cannot be opened (a missing file: <see cref="FileNotFoundException"/> inside).</exception>
    public static IFrameSource Open(string input, VideoReaderOptions? readerOptions = null)
    {
        var kind = Classify(input);
        if (kind == FrameSourceKind.ImageFolder)
        {
            return new ImageFolderSource(input);
        }

        if (kind == FrameSourceKind.File && !File.Exists(input))
        {
            throw new FrameSourceException($"Input file '{input}' not found.", new FileNotFoundException(null, input)) { SourceDescription = input };
        }

        return new VideoReaderSource(input, readerOptions);
    }

    /// <summary>The image file extensions an image folder is read for (lower case).</summary>
    public static IReadOnlyList<string> ImageExtensions => ImageFile.Extensions;
}
