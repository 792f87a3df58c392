using System.Diagnostics;
using System.Globalization;
using BlurVideo.Cli.Commands;
using BlurVideo.Tests.Report;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

/// <summary>
/// Issue 16's command-line cases: signals (the real command in a child process), stalled and silent streams, a full
/// disk, outputs that are inputs, damaged files, odd sizes, and what every output holds after each kind of stop.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CliReliabilityTests
{
    private static readonly string[] DistinctMaps = ["summary.json", "x.jpg.png", "x.png.png", "y.png"];
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = TestPaths.CreateTempFolder("cli-reliability");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("INT", ExitCodes.Interrupted)]
    [TestCase("TERM", ExitCodes.Terminated)]
    [TestCase("HUP", ExitCodes.Terminated)]
    public async Task A_signal_during_a_stalled_stream_read_finishes_every_output_with_the_frames_so_far(string signal, int exitCode)
    {
        var port = TestStreams.FreeUdpPort();
        var (video, csv, stats) = (Path.Combine(_folder, "out.mp4"), Path.Combine(_folder, "frames.csv"), Path.Combine(_folder, "stats.json"));
        using var cli = CliProcess.Start(
            "video", $"udp://127.0.0.1:{port}", "-o", video, "--csv", csv, "--stats-json", stats, "--model", CliRun.TinyModel);
        await cli.WaitUntilAsync(() => cli.Output.Contains("Running on the CPU", StringComparison.Ordinal), "the model loaded");
        using (var sender = TestStreams.StartUdpSender(port)) // the command is opening the stream: it waits for data
        {
            try
            {
                await cli.WaitUntilAsync(() => CsvRows(csv) >= 5, "5 CSV rows");
            }
            finally
            {
                sender.Kill();
                await sender.WaitForExitAsync();
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // the sender is gone: the read is stalled (FFmpeg waits 30 s)

        var stopped = Stopwatch.StartNew();
        cli.Signal(signal);
        var code = await cli.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(exitCode), cli.Error);
        Assert.That(stopped.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the stalled read (30 s timeout) was not waited for");
        Assert.That(cli.Error, Does.Contain("interrupted; the outputs hold the"));
        var rows = CsvRows(csv);
        var statistics = CliRun.ReadJson(stats);
        Assert.That(statistics.GetProperty("interrupted").GetBoolean(), Is.True);
        Assert.That(statistics.GetProperty("frames_written").GetInt64(), Is.EqualTo(rows));
        Assert.That(ProbeFrames(video), Is.EqualTo(rows), "the video holds every frame the CSV lists");
    }

    [Test]
    public async Task Ctrl_c_from_a_terminal_signals_the_whole_group_and_the_video_is_still_finished_with_every_frame()
    {
        // ffmpeg, which writes the video, runs in its own session: the group's SIGINT reaches the command only, which
        // then closes ffmpeg's pipe. (Had ffmpeg been stopped by the signal too, the frames after it would be lost.)
        var (video, csv) = (Path.Combine(_folder, "out.mp4"), Path.Combine(_folder, "frames.csv"));
        using var cli = CliProcess.StartInOwnProcessGroup("video", "synthetic", "--live", "-o", video, "--csv", csv, "--model", CliRun.TinyModel);
        await cli.WaitUntilAsync(() => CsvRows(csv) >= 10, "10 CSV rows");

        cli.SignalGroup("INT");
        var code = await cli.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), cli.Error);
        Assert.That(ProbeFrames(video), Is.EqualTo(CsvRows(csv)));
    }

    [Test]
    public async Task A_signal_while_a_silent_stream_is_opening_ends_at_once_with_nothing_written()
    {
        var video = Path.Combine(_folder, "out.mp4");
        using var cli = CliProcess.Start("video", $"udp://127.0.0.1:{TestStreams.FreeUdpPort()}", "-o", video, "--model", CliRun.TinyModel);
        // The model has loaded (the CPU fallback line) and the signal handlers are in place: the source is opening.
        await cli.WaitUntilAsync(() => cli.Output.Contains("Running on the CPU", StringComparison.Ordinal), "the model loaded");

        cli.Signal("INT");
        var code = await cli.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), cli.Error);
        Assert.That(cli.Error.Trim(), Is.EqualTo("blurvideo video: interrupted before the source opened; nothing was written."));
        Assert.That(File.Exists(video), Is.False);
    }

    [Test]
    public async Task Duration_bounds_opening_a_silent_stream()
    {
        var video = Path.Combine(_folder, "out.mp4");
        var started = Stopwatch.StartNew();
        using var cli = CliProcess.Start("video", $"udp://127.0.0.1:{TestStreams.FreeUdpPort()}", "-o", video, "--duration", "2", "--model", CliRun.TinyModel);
        var code = await cli.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(ExitCodes.Failure), cli.Error);
        Assert.That(cli.Error.Trim(), Does.Match(@"^blurvideo video: 'udp://127\.0\.0\.1:\d+' did not open within --duration 2 s; nothing was written\.$"));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(25)), "FFmpeg's 30 s open timeout was waited for");
        Assert.That(File.Exists(video), Is.False);
    }

    [Test]
    public async Task After_a_hard_kill_the_video_plays_up_to_its_last_fragment_and_the_csv_holds_whole_rows()
    {
        var (video, csv) = (Path.Combine(_folder, "out.mp4"), Path.Combine(_folder, "frames.csv"));
        using var cli = CliProcess.Start("video", "synthetic", "--live", "-o", video, "--csv", csv, "--model", CliRun.TinyModel);
        await cli.WaitUntilAsync(() => CsvRows(csv) >= 75, "75 CSV rows (3 s of video)");

        // Kill the command and the ffmpeg writing its video, so that nothing finishes the file.
        var writers = cli.Children();
        cli.Signal("KILL");
        foreach (var writer in writers)
        {
            CliProcess.Signal(writer, "KILL");
        }

        await cli.WaitForExitAsync();
        var lines = File.ReadAllLines(csv).Skip(1).ToArray();
        Assert.That(lines, Has.All.Match(@"^\d+,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+,[01],\d+,\d+$"), "every CSV row is whole");
        var frames = ProbeFrames(video);
        Assert.That(frames, Is.GreaterThanOrEqualTo(25), "at least the first one-second fragment survives");
        Assert.That(frames, Is.LessThanOrEqualTo(lines.Length));
    }

    [Test]
    public async Task A_full_disk_while_writing_the_video_is_one_line_and_exit_code_1_and_no_frames_are_claimed()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("Mounting a small tmpfs needs root.");
        }

        var disk = Path.Combine(_folder, "disk");
        Directory.CreateDirectory(disk);
        Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk);
        try
        {
            var stats = Path.Combine(_folder, "stats.json");
            var (exitCode, output, error) = await CliRun.InvokeAsync(
                "video", "synthetic", "--max-frames", "60", "-o", Path.Combine(disk, "out.mp4"), "--stats-json", stats, "--model", CliRun.TinyModel);

            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), output);
            Assert.That(error.TrimEnd(), Does.Not.Contain('\n'));
            Assert.That(error, Does.StartWith("blurvideo video: Writing the video").And.Contain("No space left on device"));
            Assert.That(output, Does.Not.Contain("frames (0 dropped"), "no success summary");
            var statistics = CliRun.ReadJson(stats);
            Assert.That(statistics.GetProperty("frames_written").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(statistics.GetProperty("video_error").GetString(), Does.Contain("No space left on device"));
        }
        finally
        {
            Run("umount", disk);
        }
    }

    [Test]
    public async Task An_output_that_is_the_input_or_links_to_it_is_refused_before_anything_is_touched()
    {
        var clip = Path.Combine(_folder, "clip.mp4");
        TestClips.SyntheticStill(clip, frames: 5);
        var link = Path.Combine(_folder, "link.mp4");
        File.CreateSymbolicLink(link, clip);
        var folderLink = Path.Combine(_folder, "same-folder");
        Directory.CreateSymbolicLink(folderLink, _folder);
        var before = File.ReadAllBytes(clip);

        var same = await CliRun.InvokeAsync("video", clip, "-o", clip, "--model", CliRun.TinyModel);
        var linked = await CliRun.InvokeAsync("video", clip, "-o", link, "--model", CliRun.TinyModel);
        var throughFolder = await CliRun.InvokeAsync("video", clip, "-o", Path.Combine(folderLink, "clip.mp4"), "--model", CliRun.TinyModel);
        var csv = await CliRun.InvokeAsync("video", clip, "-o", Path.Combine(_folder, "out.mp4"), "--csv", link, "--model", CliRun.TinyModel);

        foreach (var (exitCode, _, error) in new[] { same, linked, throughFolder, csv })
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error.Trim(), Does.Match(@"^blurvideo video: (-o|--csv) '.+' is the input '.+'; refusing to overwrite it \(give another path\)\.$"));
        }

        Assert.That(File.ReadAllBytes(clip), Is.EqualTo(before));
        Assert.That(File.Exists(Path.Combine(_folder, "out.mp4")), Is.False);
    }

    [Test]
    public async Task Detect_into_its_own_input_folder_is_refused_and_the_photos_are_kept()
    {
        var photos = Path.Combine(_folder, "photos");
        Directory.CreateDirectory(photos);
        var photo = Path.Combine(photos, "a.png");
        File.Copy(Photo(), photo);
        var before = File.ReadAllBytes(photo);

        var folder = await CliRun.InvokeAsync("detect", photos, "-o", photos, "--model", CliRun.TinyModel);
        var file = await CliRun.InvokeAsync("detect", photo, "-o", photos, "--model", CliRun.TinyModel);

        Assert.That(folder.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(folder.Error.Trim(), Does.StartWith("blurvideo detect: -o '").And.Contain("is the input"));
        Assert.That(file.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(file.Error.Trim(), Is.EqualTo($"blurvideo detect: the map '{photo}' is the input '{photo}'; refusing to overwrite it (give another path)."));
        Assert.That(File.ReadAllBytes(photo), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(photos), Is.EqualTo(new[] { photo }));
    }

    [Test]
    public async Task Live_mode_on_a_file_plays_it_at_its_frame_rate()
    {
        const int frames = 50; // 2 s at 25 fps
        var clip = TestClips.SyntheticStill(Path.Combine(_folder, "clip.mp4"), frames);
        var stats = Path.Combine(_folder, "stats.json");

        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", clip, "--live", "-o", Path.Combine(_folder, "out.mp4"), "--stats-json", stats, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var statistics = CliRun.ReadJson(stats);
        Assert.That(statistics.GetProperty("mode").GetString(), Is.EqualTo("live"));
        Assert.That(statistics.GetProperty("frames_in").GetInt64(), Is.EqualTo(frames));
        Assert.That(statistics.GetProperty("elapsed_s").GetDouble(), Is.GreaterThanOrEqualTo(0.9 * (frames - 1) / 25.0), "read at its frame rate, not as fast as it decodes");
    }

    [Test]
    public async Task Undecodable_frames_in_the_middle_of_a_file_are_skipped_counted_and_the_rest_is_read()
    {
        const int frames = 60;
        var clean = Path.Combine(_folder, "clean.mp4");
        Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-frames:v", "60", "-c:v", "mpeg4", "-g", "10", "-y", clean);
        var damaged = Path.Combine(_folder, "damaged.mp4");
        var bytes = File.ReadAllBytes(clean);
        Array.Clear(bytes, bytes.Length / 3, bytes.Length / 3); // the middle third zeroed; the index (at the end) intact
        File.WriteAllBytes(damaged, bytes);
        var (csv, stats) = (Path.Combine(_folder, "frames.csv"), Path.Combine(_folder, "stats.json"));

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", damaged, "-o", Path.Combine(_folder, "out.mp4"), "--csv", csv, "--stats-json", stats, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        var statistics = CliRun.ReadJson(stats);
        var read = statistics.GetProperty("frames_in").GetInt64();
        var skipped = statistics.GetProperty("frames_skipped").GetInt64();
        Assert.That(skipped, Is.GreaterThan(0));
        Assert.That(read + skipped, Is.EqualTo(frames));
        var indexes = CliRun.ReadCsvRows(csv).Select(row => long.Parse(row[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.That(indexes[^1], Is.EqualTo(frames - 1), "read on to the end");
        Assert.That(indexes, Is.Ordered.Ascending.And.Unique);
        Assert.That(output, Does.Contain($"{skipped} undecodable skipped"));
    }

    [Test]
    public async Task An_unwritable_stats_json_fails_before_the_run()
    {
        var blocker = Path.Combine(_folder, "file");
        File.WriteAllText(blocker, "not a folder");
        var video = Path.Combine(_folder, "out.mp4");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "--max-frames", "3", "-o", video, "--stats-json", Path.Combine(blocker, "stats.json"), "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), output);
        Assert.That(error.Trim(), Does.StartWith("blurvideo video: Cannot write the outputs:"));
        Assert.That(File.Exists(video), Is.False, "nothing was run");
    }

    [Test]
    public async Task Images_sharing_a_name_get_distinct_maps()
    {
        var photos = Path.Combine(_folder, "photos");
        Directory.CreateDirectory(photos);
        File.Copy(Photo(), Path.Combine(photos, "x.png"));
        Run("ffmpeg", "-v", "error", "-i", Photo(), "-y", Path.Combine(photos, "x.jpg"));
        File.Copy(Photo(), Path.Combine(photos, "y.png"));
        var maps = Path.Combine(_folder, "maps");

        var (exitCode, _, error) = await CliRun.InvokeAsync("detect", photos, "-o", maps, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(Directory.GetFiles(maps).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(DistinctMaps));
        var summary = CliRun.ReadJson(Path.Combine(maps, "summary.json"));
        Assert.That(summary.GetProperty("images").EnumerateArray().Select(image => image.GetProperty("map").GetString()).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public async Task Ctrl_c_during_detect_leaves_whole_maps_under_their_names_and_a_summary_of_them()
    {
        var photos = Path.Combine(_folder, "photos");
        Directory.CreateDirectory(photos);
        for (var i = 0; i < 60; i++)
        {
            File.Copy(Photo(), Path.Combine(photos, $"p{i:D3}.png"));
        }

        var maps = Path.Combine(_folder, "maps");
        using var cli = CliProcess.Start("detect", photos, "-o", maps, "--model", CliRun.TinyModel);
        await cli.WaitUntilAsync(() => cli.Output.Contains("p002.png:", StringComparison.Ordinal), "three images done");

        cli.Signal("INT");
        var code = await cli.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), cli.Error);
        Assert.That(cli.Error, Does.Match(@"interrupted after \d+ of 60 image\(s\)"));
        var summary = CliRun.ReadJson(Path.Combine(maps, "summary.json"));
        Assert.That(summary.GetProperty("interrupted").GetBoolean(), Is.True);
        var listed = summary.GetProperty("images").EnumerateArray().Select(image => image.GetProperty("map").GetString()).ToArray();
        Assert.That(listed, Has.Length.InRange(3, 59));
        Assert.That(Directory.GetFiles(maps, "*.png").Order(StringComparer.Ordinal), Is.EqualTo(listed.Order(StringComparer.Ordinal)),
            "exactly the listed maps, no partial file");
        foreach (var map in listed)
        {
            using var decoded = ImageFile.Decode(map!, ImageColorMode.Gray8);
        }
    }

    [TestCase("1e10")]
    [TestCase("Infinity")]
    [TestCase("1e-9")]
    [TestCase("NaN")]
    public async Task Out_of_range_durations_are_refused(string duration)
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(_folder, "out.mp4"), "--duration", duration, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.Contain("--duration takes a number of seconds from 0.001 to 4294967"));
    }

    [Test]
    public async Task A_run_that_produces_no_frame_says_so_and_fails()
    {
        var video = Path.Combine(_folder, "out.mp4");

        var (exitCode, output, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "--live", "-o", video, "--duration", "0.001", "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), output);
        // Either the limit ran out while the source opened, or before its first frame was processed: both say so.
        Assert.That(error.Trim(), Does.Match(
            @"^blurvideo video: (no frame was processed \(the input delivered none within the limits\); no video was written|'synthetic' did not open within --duration 0\.001 s; nothing was written)\.$"));
        Assert.That(File.Exists(video), Is.False);
    }

    [TestCase("out.mp4", "h264")]
    [TestCase("out.avi", "mjpeg")]
    public async Task An_odd_sized_input_gives_a_video_of_the_same_size(string name, string codec)
    {
        var clip = Path.Combine(_folder, "odd.avi");
        Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=641x359:rate=25", "-frames:v", "5", "-c:v", "mjpeg", "-y", clip);
        var video = Path.Combine(_folder, name);

        var (exitCode, _, error) = await CliRun.InvokeAsync("video", clip, "-o", video, "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(TestClips.Ffprobe("-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", video).Trim(),
            Is.EqualTo($"{codec},641,359"));
    }

    private static long CsvRows(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return Math.Max(0, text.Count(c => c == '\n') - 1);
    }

    private static long ProbeFrames(string video) => long.Parse(
        TestClips.Ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", video).Trim(),
        CultureInfo.InvariantCulture);

    private static string Photo() => Path.Combine(TestPaths.RequireSharedData(Path.Combine("sharp", "Kodak24")), "kodim01.png");

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program}: {error}");
    }
}
