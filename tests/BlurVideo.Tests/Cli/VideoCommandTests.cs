using System.Globalization;
using BlurVideo.Cli.Commands;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

[TestFixture]
public class VideoCommandTests
{
    private const string CsvHeader = "index,timestamp_ms,blurred_fraction,focus_score,latency_ms,stale,input_width,input_height";
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("video-cli");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Without_o_the_csv_alone_is_written_and_no_video()
    {
        var csv = Path.Combine(_folder, "frames.csv");
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "--csv", csv, "--max-frames", "4", "--model", CliRun.TinyModel, "--input-size", "Native");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var rows = CliRun.ReadCsvRows(csv);
        Assert.That(string.Join(' ', rows.Select(row => row[0])), Is.EqualTo("0 1 2 3"));
        // Lossless file mode runs at full quality: the input size is the frame's (Native, 320×240 → 320×256 in 32s).
        Assert.That(rows.Select(row => (row[6], row[7])), Has.All.EqualTo(("320", "256")));
        Assert.That(Directory.GetFileSystemEntries(_folder).Single(), Is.EqualTo(csv), "nothing but the CSV");
    }

    [Test]
    public async Task Without_any_output_it_is_one_line_and_exit_code_1()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync("video", "synthetic", "--max-frames", "2", "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.Trim(), Does.StartWith("blurvideo video: nothing to write;").And.Not.Contain("\n"));
        Assert.That(Directory.GetFileSystemEntries(_folder), Is.Empty);
    }

    [Test]
    public async Task Synthetic_with_max_frames_writes_that_many_rows_maps_and_video_frames_and_the_statistics()
    {
        const int frames = 5;
        var video = Path.Combine(_folder, "out.mp4");
        var csv = Path.Combine(_folder, "frames.csv");
        var stats = Path.Combine(_folder, "stats.json");
        var maps = Path.Combine(_folder, "maps");

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", video, "--csv", csv, "--stats-json", stats, "--maps-dir", maps,
            "--max-frames", frames.ToString(CultureInfo.InvariantCulture), "--model", CliRun.TinyModel, "--input-size", "Native");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(File.ReadLines(csv).First(), Is.EqualTo(CsvHeader));
        var rows = CliRun.ReadCsvRows(csv);
        Assert.That(rows.Select(row => long.Parse(row[0], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, frames)));
        Assert.That(rows.Select(row => double.Parse(row[2], CultureInfo.InvariantCulture)), Is.All.InRange(0.0, 1.0));
        Assert.That(rows.Select(row => double.Parse(row[4], CultureInfo.InvariantCulture)), Is.All.GreaterThan(0.0));

        var mapFiles = Directory.GetFiles(maps).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(mapFiles, Is.EqualTo(Enumerable.Range(0, frames).Select(i => $"{i:D6}.png")));
        using (var map = ImageFile.Decode(Path.Combine(maps, "000004.png"), ImageColorMode.Gray8))
        {
            var scene = new SyntheticSceneOptions();
            Assert.That((map.Width, map.Height), Is.EqualTo((scene.Width, scene.Height)));
        }

        var statistics = CliRun.ReadJson(stats);
        Assert.That(statistics.GetProperty("frames_out").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("input_size").GetString(), Is.EqualTo("Native"));
        Assert.That(statistics.GetProperty("frames_in").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("dropped").GetProperty("total").GetInt64(), Is.Zero);
        var latency = statistics.GetProperty("latency_ms");
        var p50 = latency.GetProperty("p50").GetDouble();
        var p95 = latency.GetProperty("p95").GetDouble();
        var p99 = latency.GetProperty("p99").GetDouble();
        Assert.That(p50, Is.GreaterThan(0));
        Assert.That(p95, Is.GreaterThanOrEqualTo(p50));
        Assert.That(p99, Is.GreaterThanOrEqualTo(p95));
        Assert.That(statistics.GetProperty("stage_ms").GetProperty("inference").GetProperty("count").GetInt64(), Is.EqualTo(frames));

        await using var written = new VideoReaderSource(video);
        Assert.That((written.Width, written.Height, written.FrameCount), Is.EqualTo((320, 240, (long?)frames)));
    }

    [Test]
    public async Task A_video_file_is_processed_losslessly_every_frame_once_in_order()
    {
        const int frames = 17;
        var clip = Path.Combine(_folder, "clip.avi");
        WriteSyntheticClip(clip, frames, width: 160, height: 120);
        var csv = Path.Combine(_folder, "frames.csv");
        var stats = Path.Combine(_folder, "stats.json");
        var video = Path.Combine(_folder, "overlay.mp4");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", clip, "-o", video, "--overlay", "peaking", "--csv", csv, "--stats-json", stats, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        await using (var source = new VideoReaderSource(clip))
        {
            Assert.That(source.FrameCount, Is.EqualTo(frames), "the clip written by the test");
        }

        var rows = CliRun.ReadCsvRows(csv);
        Assert.That(rows.Select(row => long.Parse(row[0], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, frames)));
        var statistics = CliRun.ReadJson(stats);
        Assert.That(statistics.GetProperty("mode").GetString(), Is.EqualTo("file"));
        Assert.That(statistics.GetProperty("frames_out").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("frames_written").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("dropped").GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(output, Does.Contain($"{frames} frames"));
        await using var written = new VideoReaderSource(video);
        Assert.That((written.Width, written.Height, written.FrameCount), Is.EqualTo((160, 120, (long?)frames)));
    }

    [Test]
    public async Task Smoothing_off_gives_different_maps_after_the_first_frame()
    {
        const int frames = 4;
        var smoothed = await WriteMapsAsync("on", frames);
        var raw = await WriteMapsAsync("off", frames);

        Assert.That(raw[0], Is.EqualTo(smoothed[0]), "the first frame has no history to smooth with");
        var differing = Enumerable.Range(1, frames - 1).Count(i => !raw[i].AsSpan().SequenceEqual(smoothed[i]));
        Assert.That(differing, Is.GreaterThan(0), "smoothing changed none of the maps");
    }

    [Test]
    public async Task A_missing_input_file_is_one_clear_line_and_a_failure_exit_code()
    {
        var missing = Path.Combine(_folder, "no-such-clip.mp4");

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", missing, "-o", Path.Combine(_folder, "out.mp4"), "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.TrimEnd(), Is.EqualTo($"blurvideo video: Input file '{missing}' not found."));
        Assert.That(File.Exists(Path.Combine(_folder, "out.mp4")), Is.False);
    }

    [Test]
    public async Task An_unknown_model_fails_listing_the_available_ones()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--max-frames", "2", "--model", "no-such-model");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.StartWith("blurvideo video: Unknown model 'no-such-model'").And.Contain("Available models:"));
        Assert.That(error.TrimEnd(), Does.Not.Contain('\n'));
    }

    [Test]
    public async Task A_camera_that_cannot_be_opened_fails_with_a_clear_message()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "/dev/video97", "-o", Path.Combine(_folder, "out.mp4"), "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.StartWith("blurvideo video: Cannot open camera '/dev/video97'"));
    }

    [Test]
    public async Task A_live_synthetic_run_ends_cleanly_at_the_duration()
    {
        var stats = Path.Combine(_folder, "stats.json");

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            // Long enough for frames to come out within the live budget on a loaded machine: a run without any is an error.
            "video", "synthetic", "--live", "--duration", "3", "-o", Path.Combine(_folder, "out.mp4"),
            "--stats-json", stats, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var statistics = CliRun.ReadJson(stats);
        Assert.That(statistics.GetProperty("mode").GetString(), Is.EqualTo("live"));
        Assert.That(statistics.GetProperty("interrupted").GetBoolean(), Is.False);
        Assert.That(statistics.GetProperty("frames_out").GetInt64(), Is.LessThanOrEqualTo(statistics.GetProperty("frames_in").GetInt64()));
        // The synthetic source is endless: only the duration ends the run (its clock starts before the first frame).
        Assert.That(statistics.GetProperty("elapsed_s").GetDouble(), Is.InRange(0.5, 8.0));
    }

    [Test]
    public async Task An_invalid_smoothing_value_is_a_parse_error()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--smoothing", "1.5");

        Assert.That(exitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(error, Does.Contain("--smoothing takes on, off or a strength in [0, 1)"));
    }

    private async Task<byte[][]> WriteMapsAsync(string smoothing, int frames)
    {
        var maps = Path.Combine(_folder, "maps-" + smoothing);
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, smoothing + ".mp4"), "--maps-dir", maps, "--smoothing", smoothing,
            "--max-frames", frames.ToString(CultureInfo.InvariantCulture), "--model", CliRun.TinyModel);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        return [.. Enumerable.Range(0, frames).Select(i => ReadGray(Path.Combine(maps, $"{i:D6}.png")))];
    }

    private static byte[] ReadGray(string path)
    {
        using var image = ImageFile.Decode(path, ImageColorMode.Gray8);
        return image.ToArray();
    }

    private static void WriteSyntheticClip(string path, int frames, int width, int height)
    {
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { Width = width, Height = height });
        var pixels = new byte[width * height * 3];
        using var writer = new VideoWriter(path, "MJPG", 25, width, height);
        for (var i = 0; i < frames; i++)
        {
            scene.Render(i, pixels, width * 3);
            writer.WriteFrame(pixels);
        }
    }
}
