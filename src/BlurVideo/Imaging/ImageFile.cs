using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// Reads and writes image files (PNG, JPEG, BMP, and what else OpenCV's imgcodecs decodes) through the
/// native shim. Writes choose the format from the extension: .png, .jpg/.jpeg (quality 95) or .bmp.
/// All members are thread-safe.
/// </summary>
internal static class ImageFile
{
    /// <summary>The image files the SDK reads (folders of frames, photos, maps and masks), lower case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bmp", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp"];

    /// <summary>Whether the path names an image file by its extension (any case).</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The image files at the top level of a folder, in ordinal order of their paths.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string[] List(string folder) =>
        [.. Directory.EnumerateFiles(folder).Where(HasImageExtension).Order(StringComparer.Ordinal)];

    /// <summary>Decodes an image file. The caller owns (and disposes) the result.</summary>
    /// <exception cref="BlurVideoNativeException">
    /// <see cref="NativeStatus.NotFound"/> for a missing file, <see cref="NativeStatus.IOError"/> for one that is
    /// not a decodable image.
    /// </exception>
    public static DecodedImage Decode(string path, ImageColorMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeShim.EnsureLoaded();
        NativeError.ThrowIfFailed(NativeMethods.bv_image_decode(path, (int)mode, out var handle));
        try
        {
            return new DecodedImage(handle, mode);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Writes BGR8 pixels whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="BlurVideoNativeException">
    /// Unsupported extension or too small a buffer (<see cref="NativeStatus.InvalidArgument"/>), missing directory
    /// (<see cref="NativeStatus.NotFound"/>), failed write (<see cref="NativeStatus.IOError"/>).
    /// </exception>
    public static unsafe void WriteBgr(string path, ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeShim.EnsureLoaded();
        fixed (byte* pixels = bgr)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_image_write_bgr8(path, pixels, bgr.Length, width, height, stride));
        }
    }

    /// <summary>Writes 8-bit grey pixels whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <inheritdoc cref="WriteBgr" path="/exception"/>
    public static unsafe void WriteGray(string path, ReadOnlySpan<byte> gray, int width, int height, int stride)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeShim.EnsureLoaded();
        fixed (byte* pixels = gray)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_image_write_gray8(path, pixels, gray.Length, width, height, stride));
        }
    }

    /// <summary>
    /// Writes a tightly packed float map (<paramref name="width"/> values per row) as 8-bit grey,
    /// <c>round(clamp(v, 0, 1) * 255)</c>: for blur maps, 255 = blurred.
    /// </summary>
    /// <inheritdoc cref="WriteBgr" path="/exception"/>
    public static unsafe void WriteMap(string path, ReadOnlySpan<float> map, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeShim.EnsureLoaded();
        fixed (float* values = map)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_image_write_map(
                path, values, (long)map.Length * sizeof(float), width, height, width * sizeof(float)));
        }
    }
}
