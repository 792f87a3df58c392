using OpenCvSharp;

namespace BlurVideo.Imaging;

/// <summary>
/// An image file decoded once, kept in OpenCV's memory so that its size can be read before its pixels are copied
/// into a buffer of the caller's.
/// </summary>
/// <remarks>
/// <b>Lifetime.</b> Owns native memory of <c>Width * Height * Channels</c> bytes until <see cref="Dispose"/>.
/// Use an instance from one thread at a time.
/// </remarks>
internal sealed class DecodedImage : IDisposable
{
    private readonly Mat _pixels;

    internal DecodedImage(Mat pixels, ImageColorMode mode)
    {
        _pixels = pixels;
        Width = pixels.Cols;
        Height = pixels.Rows;
        Channels = pixels.Channels();
        Mode = mode;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>3 for <see cref="ImageColorMode.Bgr8"/>, 1 for <see cref="ImageColorMode.Gray8"/>.</summary>
    public int Channels { get; }

    /// <summary>The pixel layout the file was decoded to.</summary>
    public ImageColorMode Mode { get; }

    /// <summary>Bytes per row when tightly packed: <c>Width * Channels</c>.</summary>
    public int PackedStride => Width * Channels;

    /// <summary>Copies the pixels into a tightly packed buffer of <c>Width * Height * Channels</c> bytes.</summary>
    public void CopyTo(Span<byte> pixels) => CopyTo(pixels, PackedStride);

    /// <summary>Copies the pixels into a buffer whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="BlurVideoNativeException">The buffer is too small for the image.</exception>
    public unsafe void CopyTo(Span<byte> pixels, int stride)
    {
        ObjectDisposedException.ThrowIf(_pixels.IsDisposed, this);
        OpenCvIo.RequireBuffer("image", pixels.Length, Width, Height, stride, PackedStride);
        fixed (byte* destination = pixels)
        {
            // A header over the caller's buffer: OpenCV copies row by row into it, honouring both row steps.
            using var target = Mat.FromPixelData(Height, Width, _pixels.Type(), (nint)destination, stride);
            _pixels.CopyTo(target);
        }
    }

    /// <summary>The pixels in a new, tightly packed array.</summary>
    public byte[] ToArray()
    {
        var pixels = new byte[PackedStride * Height];
        CopyTo(pixels);
        return pixels;
    }

    /// <summary>Frees the decoded pixels. Calling it again is a no-op.</summary>
    public void Dispose() => _pixels.Dispose();
}
