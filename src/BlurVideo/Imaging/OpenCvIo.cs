using System.Globalization;
using OpenCvSharp;

namespace BlurVideo.Imaging;

/// <summary>
/// What the imaging layer's OpenCvSharp code shares: the checks made before OpenCV sees a path or a buffer, and the
/// one path from OpenCV's exceptions to <see cref="BlurVideoNativeException"/> (with the native shim's status kinds,
/// so callers see one family).
/// </summary>
internal static class OpenCvIo
{
    /// <summary>
    /// OpenCV's own warnings only repeat what the SDK's exceptions say, so OpenCvSharp's OpenCV stays quiet below
    /// errors (as the native shim keeps Debian's) unless the user chose a level with <c>OPENCV_LOG_LEVEL</c>.
    /// </summary>
    static OpenCvIo()
    {
        if (Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL") is null)
        {
            Cv2.SetLogLevel(LogLevel.ERROR);
        }
    }

    /// <summary>A missing path is <see cref="NativeStatus.NotFound"/>, a directory <see cref="NativeStatus.InvalidArgument"/>.</summary>
    public static void RequireExistingFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, $"cannot open '{path}': it is a directory");
        }

        if (!File.Exists(path))
        {
            throw new BlurVideoNativeException(NativeStatus.NotFound, $"cannot open '{path}': no such file");
        }
    }

    /// <summary>A file to be written needs its directory: <see cref="NativeStatus.NotFound"/> otherwise.</summary>
    public static void RequireParentDirectory(string path)
    {
        var parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
        {
            throw new BlurVideoNativeException(
                NativeStatus.NotFound, $"cannot write '{path}': directory '{parent}' does not exist");
        }
    }

    /// <summary>
    /// Checks that a buffer of <paramref name="length"/> bytes holds <paramref name="height"/> rows of
    /// <paramref name="rowBytes"/> bytes, <paramref name="stride"/> bytes apart (the last row may end the buffer).
    /// </summary>
    public static void RequireBuffer(string name, int length, int width, int height, int stride, int rowBytes)
    {
        if (width <= 0 || height <= 0)
        {
            throw new BlurVideoNativeException(
                NativeStatus.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"{name} size {width}x{height} is not positive"));
        }

        var needed = ((long)stride * (height - 1)) + rowBytes;
        if (stride < rowBytes || length < needed)
        {
            throw new BlurVideoNativeException(NativeStatus.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                $"{name} buffer of {length} bytes with rows {stride} bytes apart cannot hold {width}x{height} ({rowBytes} bytes per row; needs {needed})"));
        }
    }

    /// <summary>Runs an OpenCvSharp call; an OpenCV exception becomes <see cref="NativeStatus.OpenCVError"/> naming <paramref name="what"/>.</summary>
    public static T Call<T>(string what, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is OpenCVException or OpenCvSharpException)
        {
            throw new BlurVideoNativeException(NativeStatus.OpenCVError, $"{what}: {ex.Message}", ex);
        }
    }
}
