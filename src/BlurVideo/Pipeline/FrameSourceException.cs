namespace BlurVideo.Pipeline;

/// <summary>A frame source could not be opened or failed while reading.</summary>
public sealed class FrameSourceException : BlurVideoException
{
    public FrameSourceException()
    {
    }

    public FrameSourceException(string message)
        : base(message)
    {
    }

    public FrameSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The source's description (path, device or URL), when known.</summary>
    public string? SourceDescription { get; init; }

    /// <summary>Frames the source delivered before it failed, when known.</summary>
    public long? FramesDelivered { get; init; }
}
