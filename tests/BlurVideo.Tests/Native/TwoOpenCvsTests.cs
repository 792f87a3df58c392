using NUnit.Framework;
using OpenCvSharp;
using VideoReader = BlurVideo.Imaging.VideoReader;
using VideoWriter = BlurVideo.Imaging.VideoWriter;

namespace BlurVideo.Tests.Native;

/// <summary>
/// The process holds two OpenCVs: native/ links Debian's (4.6, with Debian's FFmpeg) for capture and its per-frame
/// kernels, and the OpenCvSharp runtime bundles its own (4.13, with its own FFmpeg) for image files and video writing.
/// A clip OpenCvSharp wrote decodes natively, the native flow runs on it, and the native preprocessing agrees with the
/// same steps done in OpenCvSharp.
/// </summary>
[TestFixture]
public sealed class TwoOpenCvsTests
{
    private const int Width = 96;
    private const int Height = 64;
    private const int Frames = 10;

    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = NativeTestData.CreateFolder("two-opencvs");

    [TearDown]
    public void DeleteFolder() => NativeTestData.DeleteFolder(_folder);

    [Test]
    public void A_clip_written_through_opencvsharp_decodes_natively_and_the_native_kernels_agree_with_opencvsharp()
    {
        var path = Path.Combine(_folder, "clip.mp4");
        var frame = new byte[Width * Height * 3];
        using (var writer = new VideoWriter(path, "mp4v", 20, Width, Height))
        {
            for (var i = 0; i < Frames; i++)
            {
                NativeTestData.RenderVideoFrame(frame, Width, Height, i);
                writer.WriteFrame(frame);
            }
        }

        var decoded = new List<byte[]>();
        using (var reader = new VideoReader(path))
        {
            while (reader.TryReadFrame(frame, out _))
            {
                decoded.Add((byte[])frame.Clone());
            }
        }

        var expected = new byte[Width * Height * 3];
        NativeTestData.RenderVideoFrame(expected, Width, Height, Frames - 1);

        using var aligner = new TemporalAligner(Width, Height);
        var map = new float[Width * Height];
        var warped = new float[Width * Height];
        aligner.Align(decoded[0], Width, Height, Width * 3, map, warped);
        var alignment = aligner.Align(decoded[1], Width, Height, Width * 3, map, warped);

        float[] mean = [0.5f, 0.4f, 0.3f];
        float[] std = [0.25f, 0.2f, 0.3f];
        using var preprocessor = new Preprocessor(32, 32, mean, std);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Run(decoded[2], Width, Height, Width * 3, tensor);
        var reference = PreprocessWithOpenCvSharp(decoded[2], 32, 32, mean, std);

        Assert.Multiple(() =>
        {
            Assert.That(decoded, Has.Count.EqualTo(Frames));
            Assert.That(NativeTestData.MeanAbsoluteDifference(decoded[^1], expected), Is.LessThan(8));
            Assert.That(alignment.Aligned, Is.True, "DIS flow ran on the natively decoded frames");
            // Both resize the 8-bit frame; their fixed-point weights may differ by one grey level between versions.
            Assert.That(MaxAbsoluteDifference(tensor, reference), Is.LessThan(1.0 / (255 * 0.2) + 1e-4));
            Assert.That(tensor, Has.Some.Not.EqualTo(0f));
        });
    }

    /// <summary>The network input the native kernel computes, in OpenCvSharp steps: resize, BGR→RGB, scale, normalize, planes.</summary>
    private static float[] PreprocessWithOpenCvSharp(byte[] bgr, int width, int height, float[] mean, float[] std)
    {
        using var image = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, bgr);
        using var resized = new Mat();
        Cv2.Resize(image, resized, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        using var rgb = new Mat();
        Cv2.CvtColor(resized, rgb, ColorConversionCodes.BGR2RGB);
        var planes = Cv2.Split(rgb);
        var tensor = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            using var plane = new Mat();
            planes[c].ConvertTo(plane, MatType.CV_32F, 1.0 / (255 * std[c]), -mean[c] / std[c]);
            plane.GetArray(out float[] values);
            values.CopyTo(tensor, c * width * height);
            planes[c].Dispose();
        }

        return tensor;
    }

    private static double MaxAbsoluteDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
