using BlurVideo.Cli.Metadata;
using BlurVideo.Tests.Cli;
using BlurVideo.Tests.Report;
using NUnit.Framework;

namespace BlurVideo.Tests.Metadata;

[TestFixture]
public sealed class FrameMetadataTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestPaths.CreateTempFolder("frame-metadata");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("frames.json")]
    [TestCase("frames.csv")]
    public async Task Video_writes_one_ffprobe_style_record_per_frame_with_the_blurvideo_tags(string fileName)
    {
        var path = Path.Combine(_folder, fileName);

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "8", "--model", CliRun.TinyModel, "--frame-metadata", path);

        var records = FrameMetadataReader.Read(path, FrameMetadataWriter.TagKeys);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, error);
            Assert.That(records, Has.Count.EqualTo(8));
            Assert.That(records.Select(r => r.PtsTime), Is.Ordered.Ascending.And.All.GreaterThanOrEqualTo(0));
            Assert.That(records[0].Tags.Keys, Is.EquivalentTo(FrameMetadataWriter.TagKeys));
            Assert.That(records.SelectMany(r => r.Tags).Where(tag => tag.Key != "lavfi.blurvideo.state").Select(tag => double.Parse(tag.Value, System.Globalization.CultureInfo.InvariantCulture)),
                Is.All.InRange(0.0, 1.0));
            Assert.That(records.Select(r => r.Tags["lavfi.blurvideo.state"]), Is.All.AnyOf("in_focus", "out_of_focus"));
        });
    }

    [TestCase("json")]
    [TestCase("csv")]
    public void Ffprobes_own_blurdetect_output_parses_with_the_same_reader(string format)
    {
        var clip = TestClips.Blurred(Path.Combine(_folder, "clip.mp4"), 0.4, 25, 0.2, 1);
        var path = Path.Combine(_folder, "blurdetect." + format);
        File.WriteAllText(path, TestClips.Ffprobe(
            "-f", "lavfi", "-i", $"movie={clip},blurdetect", "-show_entries", "frame=pts_time:frame_tags", "-of", format));

        var records = FrameMetadataReader.Read(path, ["lavfi.blur"]);

        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.PtsTime), Is.EqualTo(new[] { 0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.24, 0.28, 0.32, 0.36 }).Within(1e-6));
            Assert.That(records.Select(r => r.Tags.Keys.Single()), Is.All.EqualTo("lavfi.blur"));
            Assert.That(double.Parse(records[^1].Tags["lavfi.blur"], System.Globalization.CultureInfo.InvariantCulture),
                Is.GreaterThan(double.Parse(records[0].Tags["lavfi.blur"], System.Globalization.CultureInfo.InvariantCulture)), "blurdetect sees the blur from 0.2 s");
        });
    }

    [Test]
    public void Keyed_csv_as_ffprobe_writes_with_nokey_0_needs_no_tag_keys()
    {
        var path = Path.Combine(_folder, "keyed.csv");
        File.WriteAllText(path, "frame,pts_time=0.040000,tag:lavfi.blur=4.5\n");

        var record = FrameMetadataReader.Read(path).Single();

        Assert.That((record.PtsTime, record.Tags["lavfi.blur"]), Is.EqualTo((0.04, "4.5")));
    }

    [Test]
    public void Writing_a_frames_record_allocates_nothing_in_steady_state([Values("m.json", "m.csv")] string fileName)
    {
        var frames = new FramePool(64, 48);
        var maps = new BlurMapPool(32, 24);
        var results = new ResultPool();
        using var writer = new FrameMetadataWriter(Path.Combine(_folder, fileName));
        void WriteOne(int i)
        {
            var frame = frames.Rent();
            frame.SourceTimestamp = TimeSpan.FromMilliseconds(40 * i);
            var map = maps.Rent();
            map.Values.Fill(i % 2 == 0 ? 0.2f : 0.8f);
            using var result = results.Rent(frame, map, sceneCut: false);
            writer.Write(result, 0.5f);
        }

        for (var i = 0; i < 2000; i++)
        {
            WriteOne(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            WriteOne(i);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
