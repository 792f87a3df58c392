using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>Frames written through the shim come back: same count, same size, pixels within codec tolerance.</summary>
[TestFixture]
public sealed class VideoRoundTripTests
{
    private const int Width = 96;
    private const int Height = 64;
    private const int Frames = 15;
    private const double FramesPerSecond = 20;

    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = NativeTestData.CreateFolder("video-round-trip");

    [TearDown]
    public void DeleteFolder() => NativeTestData.DeleteFolder(_folder);

    [TestCase("clip.avi", "MJPG")]
    [TestCase("clip.mp4", "mp4v")]
    public void Written_frames_are_read_back(string fileName, string fourCC)
    {
        var path = Path.Combine(_folder, fileName);
        var frame = new byte[Width * Height * 3];
        using (var writer = new VideoWriter(path, fourCC, FramesPerSecond, Width, Height))
        {
            for (var i = 0; i < Frames; i++)
            {
                NativeTestData.RenderVideoFrame(frame, Width, Height, i);
                writer.WriteFrame(frame);
            }

            Assert.That(writer.FramesWritten, Is.EqualTo(Frames));
        }

        using var reader = new VideoReader(path);
        Assert.Multiple(() =>
        {
            Assert.That(reader.Width, Is.EqualTo(Width));
            Assert.That(reader.Height, Is.EqualTo(Height));
            Assert.That(reader.FramesPerSecond, Is.EqualTo(FramesPerSecond).Within(0.01));
            Assert.That(reader.FrameCount, Is.EqualTo(Frames));
            Assert.That(reader.Kind, Is.EqualTo(VideoSourceKind.File));
            Assert.That(reader.IsLive, Is.False);
        });

        var expected = new byte[frame.Length];
        var read = 0;
        while (reader.TryReadFrame(frame, out var info))
        {
            NativeTestData.RenderVideoFrame(expected, Width, Height, read);
            Assert.That(info.Index, Is.EqualTo(read));
            Assert.That(info.Timestamp.TotalMilliseconds, Is.EqualTo(read * 1000 / FramesPerSecond).Within(1));
            Assert.That(NativeTestData.MeanAbsoluteDifference(frame, expected), Is.LessThan(4), $"frame {read}");
            read++;
        }

        Assert.That(read, Is.EqualTo(Frames));
        Assert.That(reader.NextFrameIndex, Is.EqualTo(Frames));
        Assert.That(reader.TryReadFrame(frame, out _), Is.False, "reading past the end stays at the end");
    }

    [Test]
    public void Frames_can_be_read_into_padded_rows_without_managed_allocation()
    {
        var path = Path.Combine(_folder, "padded.avi");
        var packed = new byte[Width * Height * 3];
        using (var writer = new VideoWriter(path, "MJPG", FramesPerSecond, Width, Height))
        {
            for (var i = 0; i < Frames; i++)
            {
                NativeTestData.RenderVideoFrame(packed, Width, Height, i);
                writer.WriteFrame(packed);
            }
        }

        const int Stride = (Width * 3) + 32;
        var padded = new byte[Stride * Height];
        padded.AsSpan().Fill(0xAB);
        using var reader = new VideoReader(path);
        Assert.That(reader.TryReadFrame(padded, Stride, out _), Is.True);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var frames = 1;
        while (reader.TryReadFrame(padded, Stride, out _))
        {
            frames++;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(frames, Is.EqualTo(Frames));
        Assert.That(allocated, Is.Zero, "bytes allocated while reading frames");
        Assert.That(padded[(Width * 3) + 5], Is.EqualTo(0xAB), "row padding is left untouched");
    }
}
