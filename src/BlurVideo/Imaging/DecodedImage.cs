using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// An image file decoded once by the native shim, kept in native memory so that its size can be read
/// before its pixels are copied into a buffer of the caller's.
/// </summary>
/// <remarks>
/// <b>Lifetime.</b> Owns native memory of <c>Width * Height * Channels</c> bytes until <see cref="Dispose"/>.
/// Use an instance from one thread at a time.
/// </remarks>
internal sealed class DecodedImage : IDisposable
{
    private readonly ImageHandle _handle;

    internal DecodedImage(ImageHandle handle, ImageColorMode mode)
    {
        _handle = handle;
        NativeError.ThrowIfFailed(NativeMethods.bv_image_get_size(handle, out var width, out var height, out var channels));
        Width = width;
        Height = height;
        Channels = channels;
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
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* destination = pixels)
        {
            NativeError.ThrowIfFailed(
                NativeMethods.bv_image_copy_to(_handle, destination, pixels.Length, Width, Height, stride));
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
    public void Dispose() => _handle.Dispose();
}
