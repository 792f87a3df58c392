namespace BlurVideo.Tests.Native;

/// <summary>Synthetic images and a scratch folder for the native shim's tests.</summary>
internal static class NativeTestData
{
    /// <summary>A new empty folder under the system temp directory; delete it with <see cref="DeleteFolder"/>.</summary>
    public static string CreateFolder(string purpose)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"blurvideo-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A smooth, non-periodic texture (sum of incommensurate waves) seen through a window at
    /// (<paramref name="left"/>, <paramref name="top"/>): moving the window moves the content the other way.
    /// </summary>
    public static byte[] Texture(int width, int height, int left, int top, int stride = 0)
    {
        stride = stride == 0 ? width * 3 : stride;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double u = x + left, v = y + top;
                var shade = 128 + (40 * Math.Sin((0.21 * u) + 0.5)) + (35 * Math.Sin((0.17 * v) + 1.3))
                            + (30 * Math.Sin(0.11 * (u + (0.7 * v)))) + (25 * Math.Sin(0.29 * u) * Math.Sin(0.23 * v));
                var p = (y * stride) + (x * 3);
                pixels[p] = (byte)Math.Clamp(shade, 0, 255);
                pixels[p + 1] = (byte)Math.Clamp(255 - shade, 0, 255);
                pixels[p + 2] = (byte)Math.Clamp((shade * 0.5) + (u * 0.3), 0, 255);
            }
        }

        return pixels;
    }

    /// <summary>A frame that changes smoothly with <paramref name="index"/> (kind to lossy codecs, distinct per frame).</summary>
    public static void RenderVideoFrame(Span<byte> bgr, int width, int height, int index)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 3;
                bgr[p] = (byte)((x * 2) + (index * 9));
                bgr[p + 1] = (byte)(y * 3);
                bgr[p + 2] = (byte)(index * 17);
            }
        }
    }

    public static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long total = 0;
        for (var i = 0; i < a.Length; i++)
        {
            total += Math.Abs(a[i] - b[i]);
        }

        return (double)total / a.Length;
    }
}
