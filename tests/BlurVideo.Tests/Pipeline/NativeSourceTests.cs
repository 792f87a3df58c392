using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

[TestFixture]
public sealed class NativeSourceTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("sources");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task A_video_file_is_read_through_the_pipeline_frame_by_frame_in_order()
    {
        var path = WriteVideo("clip.avi", frames: 30);

        var source = FrameSources.Open(path);
        Assert.That(source, Is.InstanceOf<VideoReaderSource>());
        var reader = (VideoReaderSource)source;
        Assert.Multiple(() =>
        {
            Assert.That(reader.IsLive, Is.False);
            Assert.That(reader.Kind, Is.EqualTo(FrameSourceKind.File));
            Assert.That((reader.Width, reader.Height), Is.EqualTo((96, 72)));
        });

        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        var sequence = new List<long>();
        var timestamps = new List<TimeSpan>();
        await foreach (var result in pipeline.RunAsync())
        {
            using (result)
            {
                sequence.Add(result.SequenceNumber);
                timestamps.Add(result.SourceTimestamp);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(0, 30).Select(i => (long)i)));
            Assert.That(timestamps, Is.Ordered.Ascending);
            Assert.That(timestamps[^1].TotalSeconds, Is.EqualTo(29 / 25.0).Within(0.01));
            Assert.That(reader.Pool.Outstanding, Is.Zero);
        });
    }

    [Test]
    public void A_file_that_is_not_a_video_fails_to_open_with_a_clear_exception()
    {
        var path = Path.Combine(_folder, "garbage.mp4");
        File.WriteAllBytes(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());

        var failure = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.That(failure!.Message, Does.StartWith($"Cannot open '{path}'"));
        Assert.That(failure.SourceDescription, Is.EqualTo(path));
    }

    [Test]
    public void A_missing_file_fails_to_open_with_a_clear_exception()
    {
        var path = Path.Combine(_folder, "missing.mp4");
        var failure = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.That(failure!.Message, Does.Contain(path));
    }

    [Test]
    public async Task A_truncated_file_emits_its_intact_frames_then_a_clear_exception()
    {
        var path = WriteVideo("truncated.avi", frames: 40);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        // A container whose index is lost may refuse to open at all; both are clear failures.
        IFrameSource source;
        try
        {
            source = FrameSources.Open(path);
        }
        catch (FrameSourceException ex)
        {
            Assert.That(ex.Message, Does.Contain(path));
            return;
        }

        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        var received = 0;
        var failure = Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var result in pipeline.RunAsync())
            {
                received++;
                result.Dispose();
            }
        });

        TestContext.Out.WriteLine($"{received} frames, then: {failure!.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.InRange(1, 39));
            Assert.That(failure.Message, Does.Contain(path).And.Contain("truncated or damaged"));
            Assert.That(((VideoReaderSource)source).Pool.Outstanding, Is.Zero);
        });
    }

    [Test]
    public async Task A_folder_of_images_is_read_in_name_order()
    {
        var scene = new SyntheticFocusPullScene(PipelineTestKit.SmallScene());
        var pixels = new byte[scene.Width * scene.Height * 3];
        foreach (var index in new[] { 2, 0, 1 })
        {
            scene.Render(index, pixels, scene.Width * 3);
            ImageFile.WriteBgr(Path.Combine(_folder, $"frame{index:D3}.png"), pixels, scene.Width, scene.Height, scene.Width * 3);
        }

        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "not an image");

        var source = FrameSources.Open(_folder);
        Assert.That(source, Is.InstanceOf<ImageFolderSource>());
        var expected = new byte[pixels.Length];
        var index2 = 0;
        await using (source)
        {
            while (await source.ReadFrameAsync(CancellationToken.None) is { } frame)
            {
                using (frame)
                {
                    scene.Render(index2, expected, scene.Width * 3);
                    Assert.That(frame.SequenceNumber, Is.EqualTo(index2));
                    Assert.That(frame.Pixels.SequenceEqual(expected), Is.True, $"frame {index2} is frame{index2:D3}.png, losslessly");
                    index2++;
                }
            }
        }

        Assert.That(index2, Is.EqualTo(3));
    }

    [Test]
    public void An_empty_folder_is_a_clear_error() =>
        Assert.That(() => new ImageFolderSource(_folder), Throws.TypeOf<FrameSourceException>().With.Message.Contains("holds no image"));

    private string WriteVideo(string name, int frames)
    {
        var path = Path.Combine(_folder, name);
        var scene = new SyntheticFocusPullScene(PipelineTestKit.SmallScene());
        var pixels = new byte[scene.Width * scene.Height * 3];
        using var writer = new VideoWriter(path, "MJPG", 25, scene.Width, scene.Height);
        for (var i = 0; i < frames; i++)
        {
            scene.Render(i, pixels, scene.Width * 3);
            writer.WriteFrame(pixels);
        }

        return path;
    }
}
