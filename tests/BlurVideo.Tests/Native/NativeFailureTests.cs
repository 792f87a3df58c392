using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>Native failures become managed exceptions that carry the shim's message; the process goes on.</summary>
[TestFixture]
public sealed class NativeFailureTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = NativeTestData.CreateFolder("native-failures");

    [TearDown]
    public void DeleteFolder() => NativeTestData.DeleteFolder(_folder);

    [Test]
    public void Missing_video_file_is_a_not_found_exception_naming_the_path()
    {
        var path = Path.Combine(_folder, "missing.mp4");

        var error = Assert.Throws<BlurVideoNativeException>(() => new VideoReader(path).Dispose());

        Assert.That(error.Status, Is.EqualTo(NativeStatus.NotFound));
        Assert.That(error.Message, Does.StartWith("bv_video_source_open: "));
        Assert.That(error.Message, Does.Contain(path).And.Contain("no such file"));
    }

    [Test]
    public void Unreadable_video_is_an_io_error_and_the_shim_keeps_working()
    {
        var corrupt = Path.Combine(_folder, "corrupt.avi");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray());

        var error = Assert.Throws<BlurVideoNativeException>(() => new VideoReader(corrupt).Dispose());

        Assert.That(error.Status, Is.EqualTo(NativeStatus.IOError));
        Assert.That(error.Message, Does.Contain("cannot decode").And.Contain(corrupt));

        // The process and the shim survive: a valid video written and read afterwards works.
        var valid = Path.Combine(_folder, "valid.avi");
        using (var writer = new VideoWriter(valid, "MJPG", 10, 32, 16))
        {
            writer.WriteFrame(new byte[32 * 16 * 3]);
        }

        using var reader = new VideoReader(valid);
        Assert.That(reader.TryReadFrame(new byte[reader.FrameSizeInBytes], out _), Is.True);
    }

    [Test]
    public void Truncated_video_delivers_its_intact_frames_and_then_ends_or_fails_clearly()
    {
        const int Frames = 20;
        var path = Path.Combine(_folder, "truncated.avi");
        var frame = new byte[64 * 48 * 3];
        using (var writer = new VideoWriter(path, "MJPG", 25, 64, 48))
        {
            for (var i = 0; i < Frames; i++)
            {
                NativeTestData.RenderVideoFrame(frame, 64, 48, i);
                writer.WriteFrame(frame);
            }
        }

        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var read = 0;
        try
        {
            using var reader = new VideoReader(path);
            while (reader.TryReadFrame(frame, out _))
            {
                read++;
            }
        }
        catch (BlurVideoNativeException e)
        {
            Assert.That(e.Status, Is.EqualTo(NativeStatus.IOError), e.Message);
        }

        Assert.That(read, Is.InRange(1, Frames - 1));
    }

    [Test]
    public void Missing_image_and_unwritable_outputs_carry_the_native_message()
    {
        var missing = Path.Combine(_folder, "missing.png");
        var decode = Assert.Throws<BlurVideoNativeException>(() => ImageFile.Decode(missing, ImageColorMode.Bgr8).Dispose());
        Assert.That(decode.Status, Is.EqualTo(NativeStatus.NotFound));
        Assert.That(decode.Message, Does.Contain(missing));

        var noDirectory = Path.Combine(_folder, "absent", "out.avi");
        var writer = Assert.Throws<BlurVideoNativeException>(() => new VideoWriter(noDirectory, "MJPG", 25, 16, 16).Dispose());
        Assert.That(writer.Status, Is.EqualTo(NativeStatus.NotFound));
        Assert.That(writer.Message, Does.Contain("does not exist"));

        var badExtension = Path.Combine(_folder, "map.xyz");
        var write = Assert.Throws<BlurVideoNativeException>(() => ImageFile.WriteMap(badExtension, new float[4], 2, 2));
        Assert.That(write.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(write.Message, Does.Contain(".png"));
    }

    [Test]
    public void Buffers_smaller_than_their_size_are_rejected_before_the_shim_touches_them()
    {
        using var preprocessor = new Preprocessor(16, 16, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        var tensor = new float[preprocessor.TensorLength];

        var tooSmallFrame = Assert.Throws<BlurVideoNativeException>(
            () => preprocessor.Run(new byte[(10 * 10 * 3) - 1], 10, 10, 30, tensor));
        Assert.That(tooSmallFrame.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(tooSmallFrame.Message, Does.Contain("needs 300"));

        var tooSmallTensor = Assert.Throws<BlurVideoNativeException>(
            () => preprocessor.Run(new byte[300], 10, 10, 30, tensor.AsSpan(1)));
        Assert.That(tooSmallTensor.Message, Does.Contain("tensor holds 767 floats"));

        Assert.Throws<BlurVideoNativeException>(() => preprocessor.Run(ReadOnlySpan<byte>.Empty, 10, 10, 30, tensor));
    }

    [Test]
    public void Invalid_arguments_at_creation_are_reported_and_disposed_objects_refuse_use()
    {
        var error = Assert.Throws<BlurVideoNativeException>(() => new TemporalAligner(0, 10).Dispose());
        Assert.That(error.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(error.Message, Does.Contain("map size must be positive"));

        var preprocessor = new Preprocessor(8, 8, [0f, 0f, 0f], [1f, 1f, 1f]);
        preprocessor.Dispose();
        preprocessor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => preprocessor.Run(new byte[192], 8, 8, 24, new float[192]));
    }
}
