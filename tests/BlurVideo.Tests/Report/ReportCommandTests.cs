using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlurVideo.Cli.Report;
using BlurVideo.Tests.Cli;
using Microsoft.Playwright;
using NUnit.Framework;

namespace BlurVideo.Tests.Report;

/// <summary>
/// <c>blurvideo report</c> on clips made with ffmpeg: a photo blurred from 4 to 7 s (10 s at 10 fps, start timecode
/// 01:00:00:00), a 0.2 s blur burst (2 s at 25 fps), the synthetic still clip and a broken file; first the blurred clip
/// alone, then the whole folder into the same report folder.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ReportCommandTests
{
    private const double MainFramesPerSecond = 10;
    private string _folder = "";
    private string _input = "";
    private string _report = "";
    private (int ExitCode, string Output, string Error) _single;
    private (int ExitCode, string Output, string Error) _folderRun;

    [OneTimeSetUp]
    public async Task MakeClipsAndRunTheReports()
    {
        _folder = TestPaths.CreateTempFolder("report");
        _input = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        _report = Path.Combine(_folder, "report");
        TestClips.Blurred(Path.Combine(_input, "main.mp4"), 10, MainFramesPerSecond, 4, 7, timecode: "01:00:00:00");
        TestClips.Blurred(Path.Combine(_input, "burst.mp4"), 2, 25, 1.0, 1.2);
        TestClips.SyntheticStill(Path.Combine(_input, "still.mp4"), 50);
        await File.WriteAllTextAsync(Path.Combine(_input, "broken.mp4"), "not a video");

        _single = await CliRun.InvokeAsync("report", Path.Combine(_input, "main.mp4"), "-o", _report);
        _folderRun = await CliRun.InvokeAsync("report", _input, "-o", _report, "--min-duration", "0.5");
    }

    [OneTimeTearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_clip_blurred_from_4_to_7_seconds_is_one_segment_from_4_to_7_seconds_in_json_csv_and_edl()
    {
        var oneFrame = 1 / MainFramesPerSecond;
        var json = CliRun.ReadJson(Path.Combine(_report, "segments.json")).GetProperty("files").EnumerateArray()
            .Single(file => file.GetProperty("file").GetString() == "main.mp4").GetProperty("segments").EnumerateArray()
            .Select(segment => (segment.GetProperty("start_s").GetDouble(), segment.GetProperty("end_s").GetDouble())).ToArray();
        var csv = File.ReadAllLines(Path.Combine(_report, "segments.csv")).Skip(1).Select(line => line.Split(','))
            .Where(columns => columns[0] == "main.mp4")
            .Select(columns => (Seconds(columns[2]), Seconds(columns[3]))).ToArray();
        var edl = EdlEvent().Matches(File.ReadAllText(Path.Combine(_report, "main.edl")))
            .Select(match => (FromTimecode(match.Groups[1].Value), FromTimecode(match.Groups[2].Value))).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(_single.ExitCode, Is.Zero, _single.Error);
            foreach (var (name, segments) in new[] { ("json", json), ("csv", csv), ("edl", edl) })
            {
                Assert.That(segments, Has.Length.EqualTo(1), name);
                Assert.That(segments.FirstOrDefault().Item1, Is.EqualTo(4.0).Within(oneFrame + 1e-6), name + " start");
                Assert.That(segments.FirstOrDefault().Item2, Is.EqualTo(7.0).Within(oneFrame + 1e-6), name + " end");
            }
        });
    }

    [Test]
    public void The_edl_counts_timecode_from_the_containers_start_timecode()
    {
        var match = EdlEvent().Match(File.ReadAllText(Path.Combine(_report, "main.edl")));

        Assert.That(match.Groups[1].Value, Does.StartWith("01:00:0"));
    }

    [Test]
    public async Task A_fifth_of_a_second_burst_is_dropped_at_min_duration_half_a_second_and_kept_at_a_tenth()
    {
        var tenth = Path.Combine(_folder, "burst-0.1");
        var run = await CliRun.InvokeAsync("report", Path.Combine(_input, "burst.mp4"), "-o", tenth, "--min-duration", "0.1");

        var kept = Segments(tenth, "burst.mp4");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(Segments(_report, "burst.mp4"), Is.Empty, "--min-duration 0.5");
            Assert.That(kept, Has.Length.EqualTo(1), "--min-duration 0.1");
            Assert.That(kept.FirstOrDefault().Start, Is.EqualTo(1.0).Within(0.041));
            Assert.That(kept.FirstOrDefault().End, Is.EqualTo(1.2).Within(0.041));
        });
    }

    [Test]
    public async Task The_synthetic_still_clip_yields_no_segment_and_its_centre_by_its_mean_would()
    {
        // Focus is held on the ball (1 m): the panel and the background, three quarters of the centre region, are
        // out of focus in every frame (their blur radius is 4.9 and 6.8 px; the label's threshold 1.5 px). The shot
        // is in focus — its subject is sharp — and frames differ only by sensor noise, which must not make a segment.
        var wholeCentre = Path.Combine(_folder, "still-mean");
        var run = await CliRun.InvokeAsync("report", Path.Combine(_input, "still.mp4"), "-o", wholeCentre, "--sharpest-fraction", "1");

        Assert.Multiple(() =>
        {
            Assert.That(Segments(_report, "still.mp4"), Is.Empty, "the default: the centre's sharpest fifth");
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(Segments(wholeCentre, "still.mp4"), Has.Length.EqualTo(1), "the centre's mean blur");
        });
    }

    [Test]
    public void A_folder_run_reuses_up_to_date_analyses_and_records_a_broken_file_without_stopping()
    {
        var files = CliRun.ReadJson(Path.Combine(_report, "segments.json")).GetProperty("files").EnumerateArray()
            .ToDictionary(file => file.GetProperty("file").GetString()!, file => file.GetProperty("error"));

        Assert.Multiple(() =>
        {
            Assert.That(_folderRun.ExitCode, Is.EqualTo(1), "a failed file fails the run");
            Assert.That(_folderRun.Error.Trim().Split('\n'), Has.Length.EqualTo(1).And.One.StartsWith("blurvideo report: broken.mp4: "));
            Assert.That(_folderRun.Output, Does.Contain("main.mp4: up to date").And.Contain("still.mp4: 0 segment(s)"), _folderRun.Output);
            Assert.That(string.Join(" ", files.Keys.Order(StringComparer.Ordinal)), Is.EqualTo("broken.mp4 burst.mp4 main.mp4 still.mp4"));
            Assert.That(files["broken.mp4"].ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(files["main.mp4"].ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(File.Exists(Path.Combine(_report, "files", "main.mp4", "segment-001.jpg")), "the segment's thumbnail");
        });
    }

    [Test]
    public async Task A_missing_input_is_one_line_and_exit_code_1()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync("report", Path.Combine(_folder, "nothing.mp4"), "-o", Path.Combine(_folder, "none"));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error.Trim().Split('\n'), Is.EqualTo(new[] { $"blurvideo report: Input '{Path.Combine(_folder, "nothing.mp4")}' not found." }));
        });
    }

    [Test]
    public async Task The_html_report_opens_in_chromium_with_one_plot_per_analysed_file()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1040, Height = 900 } });
        await page.GotoAsync(new Uri(Path.Combine(_report, "report.html")).AbsoluteUri);

        var plots = await page.Locator("svg.focus-plot").CountAsync();
        var segmentsShaded = await page.Locator("#file-3 svg.focus-plot rect.segment").CountAsync();
        var thumbnailLoaded = await page.Locator("#file-3 img.thumbnail").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0");
        var screenshot = Path.Combine(_folder, "report.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        if (Environment.GetEnvironmentVariable("BLURVIDEO_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(screenshot, Path.Combine(TestPaths.RepositoryRoot, "docs", "report.png"), overwrite: true);
        }

        Assert.Multiple(() =>
        {
            Assert.That(plots, Is.EqualTo(3), "main, burst and still; the broken file has none");
            Assert.That(segmentsShaded, Is.EqualTo(1), "main.mp4 (the third file by name) has its segment shaded");
            Assert.That(thumbnailLoaded, "the segment's thumbnail loads");
        });
    }

    [Test]
    public void Timecodes_count_whole_frames_at_the_files_rate()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Timecode.FromFrames(90_000 + 100, 25), Is.EqualTo("01:00:04:00"));
            Assert.That(Timecode.ToFrames("01:00:04:00", 25), Is.EqualTo(90_100));
            Assert.That(Timecode.Base(29.97), Is.EqualTo(30));
        });
    }

    private static (double Start, double End)[] Segments(string report, string file) =>
        CliRun.ReadJson(Path.Combine(report, "segments.json")).GetProperty("files").EnumerateArray()
            .Single(entry => entry.GetProperty("file").GetString() == file).GetProperty("segments").EnumerateArray()
            .Select(segment => (segment.GetProperty("start_s").GetDouble(), segment.GetProperty("end_s").GetDouble())).ToArray();

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Seconds after the clip's start timecode 01:00:00:00, at the clip's 10 fps.</summary>
    private static double FromTimecode(string timecode) => (Timecode.ToFrames(timecode, 10) - Timecode.ToFrames("01:00:00:00", 10)) / MainFramesPerSecond;

    [GeneratedRegex(@"^\d{3}  AX\s+V\s+C\s+(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) \d\d:\d\d:\d\d:\d\d \d\d:\d\d:\d\d:\d\d$", RegexOptions.Multiline)]
    private static partial Regex EdlEvent();
}
