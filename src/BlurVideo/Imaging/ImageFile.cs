using OpenCvSharp;

namespace BlurVideo.Imaging;

/// <summary>
/// Reads and writes image files (PNG, JPEG, BMP, TIFF, WebP and what else OpenCV's imgcodecs decodes) through
/// OpenCvSharp. Writes choose the format from the extension: .png, .jpg/.jpeg (quality 95) or .bmp.
/// All members are thread-safe.
/// </summary>
internal static class ImageFile
{
    private static readonly int[] PngParameters = [(int)ImwriteFlags.PngCompression, 3];
    private static readonly int[] JpegParameters = [(int)ImwriteFlags.JpegQuality, 95];

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
    /// not a decodable image, <see cref="NativeStatus.InvalidArgument"/> for a directory.
    /// </exception>
    public static DecodedImage Decode(string path, ImageColorMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OpenCvIo.RequireExistingFile(path);
        var flags = mode == ImageColorMode.Gray8 ? ImreadModes.Grayscale : ImreadModes.Color;
        var pixels = OpenCvIo.Call($"cannot decode '{path}'", () => Cv2.ImRead(path, flags));
        if (pixels.Empty())
        {
            pixels.Dispose();
            throw new BlurVideoNativeException(NativeStatus.IOError, $"cannot decode '{path}' as an image");
        }

        return new DecodedImage(pixels, mode);
    }

    /// <summary>Writes BGR8 pixels whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <exception cref="BlurVideoNativeException">
    /// Unsupported extension or too small a buffer (<see cref="NativeStatus.InvalidArgument"/>), missing directory
    /// (<see cref="NativeStatus.NotFound"/>), failed write (<see cref="NativeStatus.IOError"/>).
    /// </exception>
    public static void WriteBgr(string path, ReadOnlySpan<byte> bgr, int width, int height, int stride) =>
        Write(path, bgr, width, height, stride, MatType.CV_8UC3);

    /// <summary>Writes 8-bit grey pixels whose rows are <paramref name="stride"/> bytes apart.</summary>
    /// <inheritdoc cref="WriteBgr" path="/exception"/>
    public static void WriteGray(string path, ReadOnlySpan<byte> gray, int width, int height, int stride) =>
        Write(path, gray, width, height, stride, MatType.CV_8UC1);

    /// <summary>
    /// Writes a tightly packed float map (<paramref name="width"/> values per row) as 8-bit grey,
    /// <c>round(clamp(v, 0, 1) * 255)</c>: for blur maps, 255 = blurred.
    /// </summary>
    /// <inheritdoc cref="WriteBgr" path="/exception"/>
    public static unsafe void WriteMap(string path, ReadOnlySpan<float> map, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var parameters = EncoderParameters(path);
        OpenCvIo.RequireBuffer("map", map.Length * sizeof(float), width, height, width * sizeof(float), width * sizeof(float));
        fixed (float* values = map)
        {
            using var wrapped = Mat.FromPixelData(height, width, MatType.CV_32FC1, (nint)values);
            using var gray = new Mat();
            wrapped.ConvertTo(gray, MatType.CV_8U, 255.0); // rounds and saturates: values outside [0, 1] clamp
            Encode(path, gray, parameters);
        }
    }

    private static unsafe void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, int stride, MatType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var parameters = EncoderParameters(path);
        OpenCvIo.RequireBuffer("image", pixels.Length, width, height, stride, width * type.Channels);
        fixed (byte* data = pixels)
        {
            using var wrapped = Mat.FromPixelData(height, width, type, (nint)data, stride);
            Encode(path, wrapped, parameters);
        }
    }

    private static void Encode(string path, Mat image, int[] parameters)
    {
        OpenCvIo.RequireParentDirectory(path);
        if (!OpenCvIo.Call($"cannot write '{path}'", () => Cv2.ImWrite(path, image, parameters)))
        {
            throw new BlurVideoNativeException(NativeStatus.IOError, $"cannot write '{path}'");
        }
    }

    private static int[] EncoderParameters(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => PngParameters,
        ".jpg" or ".jpeg" => JpegParameters,
        ".bmp" => [],
        _ => throw new BlurVideoNativeException(
            NativeStatus.InvalidArgument, $"cannot write '{path}': use a .png, .jpg, .jpeg or .bmp file name"),
    };
}
