using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>
/// A video that cannot be created names the real reason (issue 16, row 15): FFmpeg reports every failure to open as
/// one status, which the shim's message blames on the codec.
/// </summary>
[TestFixture]
public sealed class VideoWriterReasonTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = NativeTestData.CreateFolder("writer-reasons");

    [TearDown]
    public void DeleteFolder() => NativeTestData.DeleteFolder(_folder);

    [TestCase("mp4v", "mp4", 1, 1)]
    [TestCase("MJPG", "avi", 1, 8)]
    [TestCase("mp4v", "mp4", 8, 1)]
    public void A_frame_under_two_pixels_a_side_is_named_as_the_reason(string fourCC, string extension, int width, int height)
    {
        var path = Path.Combine(_folder, "tiny." + extension);

        var error = Assert.Throws<BlurVideoNativeException>(() => new VideoWriter(path, fourCC, 25, width, height).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain($"at least 2x2 pixels, not {width}x{height}").And.Not.Contain("codec"));
            Assert.That(File.Exists(path), Is.False);
        });
    }

    [Test]
    public void The_smallest_frame_ffmpeg_encodes_is_written()
    {
        var path = Path.Combine(_folder, "two.mp4");

        using (var writer = new VideoWriter(path, "mp4v", 25, 2, 2))
        {
            writer.WriteFrame(new byte[2 * 2 * 3]);
        }

        Assert.That(new FileInfo(path).Length, Is.Positive);
    }

    [Test]
    public void A_path_that_is_a_directory_says_so()
    {
        var path = Path.Combine(_folder, "out.mp4");
        Directory.CreateDirectory(path);

        var error = Assert.Throws<BlurVideoNativeException>(() => new VideoWriter(path, "mp4v", 25, 64, 48).Dispose());

        Assert.That(error!.Message, Does.Contain("it is a directory").And.Not.Contain("codec"));
    }

    [Test]
    public void A_place_without_write_permission_gives_the_systems_reason()
    {
        // /sys refuses new files even to root, where a chmod'ed folder would not.
        Assume.That(Directory.Exists("/sys"), Is.True);
        const string path = "/sys/blurvideo-writer-test.mp4";

        var error = Assert.Throws<BlurVideoNativeException>(() => new VideoWriter(path, "mp4v", 25, 64, 48).Dispose());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Status, Is.EqualTo(NativeStatus.IOError));
            Assert.That(error.Message, Does.Contain("denied").And.Not.Contain("codec"));
        });
    }
}
