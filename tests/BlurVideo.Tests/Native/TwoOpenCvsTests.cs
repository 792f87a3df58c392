using System.Runtime.InteropServices;
using NUnit.Framework;
using OpenCvSharp;
using NativeVideoReader = BlurVideo.Imaging.VideoReader;
using NativeVideoWriter = BlurVideo.Imaging.VideoWriter;

namespace BlurVideo.Tests.Native;

/// <summary>
/// The process holds two OpenCVs: native/ links Debian's (4.6, with Debian's FFmpeg) and the OpenCvSharp runtime bundles
/// its own (4.13, with its own FFmpeg, whose symbols it exports). Decoding, encoding, optical flow and preprocessing work
/// through both, in one process, on each other's files.
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
    public void Each_opencv_decodes_what_the_other_encoded_and_the_native_kernels_still_run()
    {
        var fromSharp = Path.Combine(_folder, "opencvsharp.mp4");
        var fromNative = Path.Combine(_folder, "native.mp4");
        var frame = new byte[Width * Height * 3];
        using (var sharpWriter = new OpenCvSharp.VideoWriter(fromSharp, FourCC.FromString("mp4v"), 20, new Size(Width, Height)))
        using (var nativeWriter = new NativeVideoWriter(fromNative, "mp4v", 20, Width, Height))
        {
            Assert.That(sharpWriter.IsOpened(), Is.True);
            for (var i = 0; i < Frames; i++)
            {
                NativeTestData.RenderVideoFrame(frame, Width, Height, i);
                using var image = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, frame);
                sharpWriter.Write(image);
                nativeWriter.WriteFrame(frame);
            }
        }

        var nativeDecoded = DecodeNatively(fromSharp);
        var sharpDecoded = DecodeWithOpenCvSharp(fromNative);
        var expected = new byte[Width * Height * 3];
        NativeTestData.RenderVideoFrame(expected, Width, Height, Frames - 1);

        using var aligner = new TemporalAligner(Width, Height);
        var map = new float[Width * Height];
        var warped = new float[Width * Height];
        aligner.Align(nativeDecoded[0], Width, Height, Width * 3, map, warped);
        var alignment = aligner.Align(sharpDecoded[1], Width, Height, Width * 3, map, warped);
        using var preprocessor = new Preprocessor(32, 32, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        var tensor = new float[preprocessor.TensorLength];
        preprocessor.Run(sharpDecoded[2], Width, Height, Width * 3, tensor);

        Assert.Multiple(() =>
        {
            Assert.That(nativeDecoded, Has.Count.EqualTo(Frames), "native decoder on OpenCvSharp's file");
            Assert.That(sharpDecoded, Has.Count.EqualTo(Frames), "OpenCvSharp's decoder on the native file");
            Assert.That(NativeTestData.MeanAbsoluteDifference(nativeDecoded[^1], expected), Is.LessThan(8));
            Assert.That(NativeTestData.MeanAbsoluteDifference(sharpDecoded[^1], expected), Is.LessThan(8));
            Assert.That(alignment.Aligned, Is.True, "DIS flow ran on frames of both decoders");
            Assert.That(tensor, Has.Some.Not.EqualTo(0f), "the native preprocessing ran");
        });
    }

    private static List<byte[]> DecodeNatively(string path)
    {
        var frames = new List<byte[]>();
        using var reader = new NativeVideoReader(path);
        var buffer = new byte[reader.FrameSizeInBytes];
        while (reader.TryReadFrame(buffer, out _))
        {
            frames.Add((byte[])buffer.Clone());
        }

        return frames;
    }

    private static List<byte[]> DecodeWithOpenCvSharp(string path)
    {
        var frames = new List<byte[]>();
        using var capture = new VideoCapture(path);
        Assert.That(capture.IsOpened(), Is.True, $"OpenCvSharp opens {path}");
        using var image = new Mat();
        while (capture.Read(image) && !image.Empty())
        {
            var pixels = new byte[Width * Height * 3];
            Marshal.Copy(image.Data, pixels, 0, pixels.Length);
            frames.Add(pixels);
        }

        return frames;
    }
}
