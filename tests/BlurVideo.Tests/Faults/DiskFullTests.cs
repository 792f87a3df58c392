using System.Diagnostics;
using System.Globalization;
using BlurVideo.Tests.Pipeline;
using NUnit.Framework;

namespace BlurVideo.Tests.Faults;

/// <summary>
/// The disk fills while a consumer of the pipeline writes its outputs: on a 64 KB tmpfs (mounted when the tests run as
/// root) the native map writer fails with the system's reason, and on a stream that fails after a few kilobytes the
/// IOException reaches the caller; the files written before stay complete and the pipeline releases everything.
/// </summary>
[TestFixture]
[Category("Faults")]
public sealed class DiskFullTests
{
    private string _mount = "";

    [TearDown]
    public void Unmount()
    {
        if (_mount.Length > 0)
        {
            RunTool("umount", _mount);
            Directory.Delete(_mount);
            _mount = "";
        }
    }

    [Test]
    public async Task Maps_written_to_a_full_disk_fail_with_the_reason_and_the_earlier_maps_stay_whole()
    {
        Assume.That(Environment.UserName, Is.EqualTo("root"), "mounting a tmpfs needs root");
        var mount = TestPaths.CreateTempFolder("disk-full");
        Assume.That(RunTool("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount), Is.Zero, "tmpfs could not be mounted here");
        _mount = mount;
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 200);
        await using var pipeline = PipelineTestKit.Create(source, new NoisyMaps());
        var written = new List<string>();

        var failure = await CatchAsync(async () =>
        {
            await foreach (var result in pipeline.RunAsync())
            {
                using (result)
                {
                    var path = Path.Combine(mount, string.Create(CultureInfo.InvariantCulture, $"{result.SequenceNumber:D6}.png"));
                    ImageFile.WriteMap(path, result.Map.Values, result.Map.Width, result.Map.Height);
                    written.Add(path);
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<BlurVideoNativeException>());
            Assert.That(failure!.Message, Does.Contain(mount));
            Assert.That(written, Has.Count.InRange(1, 199));
            Assert.That(source.Pool.Outstanding, Is.Zero);
            Assert.That(pipeline.OutstandingMaps, Is.Zero);
            Assert.That(pipeline.OutstandingResults, Is.Zero);
        });
        foreach (var path in written)
        {
            using var map = ImageFile.Decode(path, ImageColorMode.Gray8);
            Assert.That((map.Width, map.Height), Is.EqualTo((96, 72)), path);
        }
    }

    [Test]
    public async Task A_csv_stream_that_fails_when_the_disk_fills_ends_the_run_with_the_io_exception()
    {
        var source = new SyntheticFocusPullSource(PipelineTestKit.SmallScene(), frameCount: 500);
        await using var pipeline = PipelineTestKit.Create(source, new FakeInference(TimeSpan.Zero));
        var stream = new FillingStream(capacity: 2048);
        var rows = 0;

        var failure = await CatchAsync(async () =>
        {
            await using var csv = new StreamWriter(stream, System.Text.Encoding.UTF8, bufferSize: 256, leaveOpen: true);
            await foreach (var result in pipeline.RunAsync())
            {
                using (result)
                {
                    await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{result.SequenceNumber},{result.Map.BlurredFraction():F4}"));
                    await csv.FlushAsync();
                    rows++;
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<IOException>().And.Message.Contain("No space left"));
            Assert.That(rows, Is.InRange(1, 499));
            Assert.That(stream.Length, Is.LessThanOrEqualTo(2048));
            Assert.That(source.Pool.Outstanding, Is.Zero);
            Assert.That(pipeline.OutstandingMaps, Is.Zero);
            Assert.That(pipeline.OutstandingResults, Is.Zero);
        });
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static int RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Maps of noise at the frame's size, which PNG cannot compress: the disk fills after a few.</summary>
    private sealed class NoisyMaps : IBlurInference
    {
        private readonly Random _random = new(5);

        public (int Width, int Height) GetMapSize(int frameWidth, int frameHeight) => (frameWidth, frameHeight);

        public long Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
        {
            var preprocessed = Stopwatch.GetTimestamp();
            foreach (ref var value in destination.Values)
            {
                value = _random.NextSingle();
            }

            return preprocessed;
        }
    }

    /// <summary>A memory stream that holds <paramref name="capacity"/> bytes, then fails as a full disk does.</summary>
    private sealed class FillingStream(int capacity) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > capacity)
            {
                throw new IOException("No space left on device");
            }

            // MemoryStream's span overload of a derived type goes back through Write(byte[], ...): call that one.
            base.Write(buffer.ToArray(), 0, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
