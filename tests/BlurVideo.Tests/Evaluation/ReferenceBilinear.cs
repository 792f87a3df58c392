namespace BlurVideo.Tests.Evaluation;

/// <summary>
/// A managed reference of OpenCV's <c>INTER_LINEAR</c> resize (half-pixel centres, source coordinates clamped at
/// the borders), used to check what the production path (the native shim) does.
/// </summary>
internal static class ReferenceBilinear
{
    public static float[] Resize(float[] source, int sourceWidth, int sourceHeight, int width, int height)
    {
        var result = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, fy) = Taps(y, sourceHeight, height);
            for (var x = 0; x < width; x++)
            {
                var (x0, x1, fx) = Taps(x, sourceWidth, width);
                var top = source[y0 * sourceWidth + x0] * (1 - fx) + source[y0 * sourceWidth + x1] * fx;
                var bottom = source[y1 * sourceWidth + x0] * (1 - fx) + source[y1 * sourceWidth + x1] * fx;
                result[y * width + x] = top * (1 - fy) + bottom * fy;
            }
        }

        return result;
    }

    private static (int Low, int High, float Fraction) Taps(int destination, int sourceSize, int destinationSize)
    {
        var position = (destination + 0.5) * sourceSize / destinationSize - 0.5;
        var low = (int)Math.Floor(position);
        var fraction = (float)(position - low);
        if (low < 0)
        {
            return (0, 0, 0);
        }

        if (low >= sourceSize - 1)
        {
            return (sourceSize - 1, sourceSize - 1, 0);
        }

        return (low, low + 1, fraction);
    }
}
