using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>The native one-call preprocess equals a straightforward managed implementation.</summary>
[TestFixture]
public sealed class PreprocessorTests
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    [TestCase(123, 77, 64, 32, Description = "downscale, different aspect")]
    [TestCase(40, 30, 96, 64, Description = "upscale")]
    [TestCase(64, 64, 64, 64, Description = "same size")]
    public void Native_preprocess_matches_the_managed_reference(int width, int height, int inputWidth, int inputHeight)
    {
        var random = new Random(1234);
        var stride = (width * 3) + 7;
        var bgr = new byte[stride * height];
        random.NextBytes(bgr);

        using var preprocessor = new Preprocessor(inputWidth, inputHeight, Mean, Std);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Run(bgr, width, height, stride, tensor);

        var expected = ReferencePreprocess(bgr, width, height, stride, inputWidth, inputHeight);
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(tensor[i] - expected[i]));
        }

        // OpenCV's 8-bit bilinear resize uses 11-bit fixed-point weights: a sample may land one grey level from
        // the exactly rounded one, i.e. 1 / (255 × std) after normalization.
        Assert.That(worst, Is.LessThan((1.0 / (255 * Std.Min())) + 1e-5));
    }

    [Test]
    public void Steady_state_preprocess_allocates_nothing()
    {
        var bgr = NativeTestData.Texture(320, 240, 0, 0);
        using var preprocessor = new Preprocessor(128, 96, Mean, Std);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Run(bgr, 320, 240, 960, tensor);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            preprocessor.Run(bgr, 320, 240, 960, tensor);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    /// <summary>
    /// Bilinear resize with pixel centres aligned and edges clamped (OpenCV's INTER_LINEAR convention), rounded to
    /// 8 bits, then BGR→RGB, /255, (v - mean) / std, CHW — computed in double, one output value at a time.
    /// </summary>
    private static double[] ReferencePreprocess(byte[] bgr, int width, int height, int stride, int outWidth, int outHeight)
    {
        var result = new double[3 * outWidth * outHeight];
        for (var y = 0; y < outHeight; y++)
        {
            var (top, bottom, wy) = Taps(y, height, outHeight);
            for (var x = 0; x < outWidth; x++)
            {
                var (left, right, wx) = Taps(x, width, outWidth);
                for (var rgb = 0; rgb < 3; rgb++)
                {
                    var channel = 2 - rgb;
                    double Sample(int sy, int sx) => bgr[(sy * stride) + (sx * 3) + channel];
                    var upper = ((1 - wx) * Sample(top, left)) + (wx * Sample(top, right));
                    var lower = ((1 - wx) * Sample(bottom, left)) + (wx * Sample(bottom, right));
                    var value = Math.Round(((1 - wy) * upper) + (wy * lower)); // OpenCV resizes the 8-bit image
                    result[(rgb * outWidth * outHeight) + (y * outWidth) + x] = ((value / 255.0) - Mean[rgb]) / Std[rgb];
                }
            }
        }

        return result;
    }

    private static (int First, int Second, double Weight) Taps(int index, int sourceLength, int destinationLength)
    {
        var position = ((index + 0.5) * sourceLength / destinationLength) - 0.5;
        var lower = (int)Math.Floor(position);
        return (Math.Clamp(lower, 0, sourceLength - 1), Math.Clamp(lower + 1, 0, sourceLength - 1), position - lower);
    }
}
