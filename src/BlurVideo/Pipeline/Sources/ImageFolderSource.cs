using BlurVideo.Imaging;
using BlurVideo.Native;

namespace BlurVideo.Pipeline.Sources;

/// <summary>
/// Frames from the image files of a folder (PNG, JPEG, BMP, TIFF, WebP), in ordinal order of their names,
/// decoded through OpenCvSharp. A finite source: the stream ends after the last image. Images may differ in
/// size; each size gets its own frame pool.
/// </summary>
public sealed class ImageFolderSource : IFrameSource
{
    private readonly string[] _files;
    private readonly double _framesPerSecond;
    private FramePool? _pool;
    private int _next;

    /// <param name="folder">The folder to read.</param>
    /// <param name="framesPerSecond">Rate used for the frames' source timestamps (<c>index / rate</c>).</param>
    /// <exception cref="FrameSourceException">The folder does not exist or holds no image.</exception>
    public ImageFolderSource(string folder, double framesPerSecond = 25)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(framesPerSecond, 0);
        if (!Directory.Exists(folder))
        {
            throw new FrameSourceException($"The folder '{folder}' does not exist.") { SourceDescription = folder };
        }

        _files = ImageFile.List(folder);
        if (_files.Length == 0)
        {
            throw new FrameSourceException($"The folder '{folder}' holds no image ({string.Join(", ", ImageFile.Extensions)}).") { SourceDescription = folder };
        }

        Description = folder;
        _framesPerSecond = framesPerSecond;
    }

    public string Description { get; }

    public bool IsLive => false;

    public double FramesPerSecond => _framesPerSecond;

    public long? FrameCount => _files.Length;

    public FrameSourceKind Kind => FrameSourceKind.ImageFolder;

    /// <summary>The image files, in the order they are delivered.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The pool of the last image's size.</summary>
    internal FramePool? Pool => _pool;

    public ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_next >= _files.Length)
        {
            return ValueTask.FromResult<VideoFrame?>(null);
        }

        var index = _next++;
        var path = _files[index];
        try
        {
            using var image = ImageFile.Decode(path, ImageColorMode.Bgr8);
            if (_pool is null || _pool.Width != image.Width || _pool.Height != image.Height)
            {
                _pool = new FramePool(image.Width, image.Height);
            }

            var frame = _pool.Rent();
            image.CopyTo(frame.Pixels, frame.Stride);
            frame.MarkCaptured();
            frame.SequenceNumber = index;
            frame.SourceTimestamp = TimeSpan.FromSeconds(index / _framesPerSecond);
            return ValueTask.FromResult<VideoFrame?>(frame);
        }
        catch (BlurVideoNativeException ex)
        {
            throw new FrameSourceException($"Reading '{path}' (image {index + 1} of {_files.Length} in '{Description}') failed: {ex.Message}", ex)
            {
                SourceDescription = Description,
                FramesDelivered = index,
            };
        }
    }

    /// <summary>A folder is not live and is never reopened.</summary>
    public ValueTask ReopenAsync(CancellationToken cancellationToken) =>
        ValueTask.FromException(new NotSupportedException("An image folder is read once and is not reopened."));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
