using NUnit.Framework;
using OpenCvSharp;

namespace BlurVideo.Tests.Inference;

/// <summary><see cref="BlurDetector.Detect(Mat)"/> and <see cref="BlurMapExtensions.AsMat"/>: the OpenCvSharp side of the API.</summary>
[TestFixture]
public sealed class MatInputTests
{
    private const int Width = 80;
    private const int Height = 60;

    [Test]
    public void A_bgr_mat_gives_the_same_map_as_its_pixels()
    {
        var pixels = InferenceTestKit.Frame(Width, Height);
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        using var image = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, pixels);

        using var fromSpan = detector.Detect(pixels, Width, Height, Width * 3);
        using var fromMat = detector.Detect(image);

        Assert.That(fromMat.Values.ToArray(), Is.EqualTo(fromSpan.Values.ToArray()));
    }

    [Test]
    public void A_region_of_a_larger_mat_is_read_with_its_row_step()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        var large = InferenceTestKit.Frame(2 * Width, 2 * Height);
        using var whole = Mat.FromPixelData(2 * Height, 2 * Width, MatType.CV_8UC3, large);
        using var region = new Mat(whole, new Rect(17, 9, Width, Height));
        using var packed = region.Clone();
        Assert.That(region.IsContinuous(), Is.False, "the test needs a non-continuous region");

        using var fromRegion = detector.Detect(region);
        using var fromPacked = detector.Detect(packed);

        Assert.That(fromRegion.Values.ToArray(), Is.EqualTo(fromPacked.Values.ToArray()));
    }

    [TestCase(4)]
    [TestCase(1)]
    public void Bgra_and_grey_mats_are_converted_to_bgr(int channels)
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        using var bgr = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, InferenceTestKit.Frame(Width, Height));
        using var image = new Mat();
        Cv2.CvtColor(bgr, image, channels == 4 ? ColorConversionCodes.BGR2BGRA : ColorConversionCodes.BGR2GRAY);
        using var expectedInput = new Mat();
        if (channels == 4)
        {
            bgr.CopyTo(expectedInput);
        }
        else
        {
            Cv2.CvtColor(image, expectedInput, ColorConversionCodes.GRAY2BGR);
        }

        using var actual = detector.Detect(image);
        using var expected = detector.Detect(expectedInput);

        Assert.That(actual.Values.ToArray(), Is.EqualTo(expected.Values.ToArray()));
    }

    [Test]
    public void A_mat_that_is_not_8_bit_bgr_bgra_or_grey_is_refused_with_a_clear_message()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        using var floats = new Mat(Height, Width, MatType.CV_32FC3, Scalar.All(0.5));
        using var twoChannels = new Mat(Height, Width, MatType.CV_8UC2, Scalar.All(1));
        using var empty = new Mat();

        Assert.Multiple(() =>
        {
            Assert.That(() => detector.Detect(floats), Throws.ArgumentException.With.Message.Contains("8-bit"));
            Assert.That(() => detector.Detect(twoChannels), Throws.ArgumentException.With.Message.Contains("channels"));
            Assert.That(() => detector.Detect(empty), Throws.ArgumentException.With.Message.Contains("empty"));
        });
    }

    [Test]
    public void Detecting_a_bgr_mat_allocates_no_managed_memory_in_steady_state()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        using var image = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, InferenceTestKit.Frame(Width, Height));
        for (var i = 0; i < 3; i++)
        {
            detector.Detect(image).Dispose();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            detector.Detect(image).Dispose();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void A_map_viewed_as_a_mat_shares_its_memory()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        using var map = detector.Detect(InferenceTestKit.Frame(Width, Height), Width, Height, Width * 3);

        using var view = map.AsMat();
        view.Set(2, 3, 0.25f);

        Assert.Multiple(() =>
        {
            Assert.That((view.Type(), view.Cols, view.Rows), Is.EqualTo((MatType.CV_32FC1, map.Width, map.Height)));
            Assert.That(map.Values[(2 * map.Width) + 3], Is.EqualTo(0.25f), "a write through the Mat is in the map");
            Assert.That(view.At<float>(5, 7), Is.EqualTo(map.Values[(5 * map.Width) + 7]));
        });
    }
}
