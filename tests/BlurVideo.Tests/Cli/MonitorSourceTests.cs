using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlurVideo.Cli.Commands;
using BlurVideo.Tests.Report;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

/// <summary>
/// <c>blurvideo monitor</c> on the sources other than the synthetic clip — a network stream and a file — in a child
/// process, watched through the page's WebSocket as a page watches it, and stopped with Ctrl+C's signal.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class MonitorSourceTests
{
    [Test]
    public async Task A_stream_url_is_monitored_live_and_ctrl_c_stops_the_monitor_cleanly()
    {
        var port = TestStreams.FreeUdpPort();
        using var sender = TestStreams.StartUdpSender(port);
        try
        {
            using var cli = CliProcess.Start("monitor", $"udp://127.0.0.1:{port}", "--port", "0", "--model", CliRun.TinyModel);
            await cli.WaitUntilAsync(() => PageAddress(cli.Output) is not null, "the page's address");

            var statuses = await WatchAsync(PageAddress(cli.Output)!, until: seen => seen.Count(s => s.Fresh) >= 10);
            cli.Signal("INT");
            var code = await cli.WaitForExitAsync();

            var frames = statuses.Where(s => s.Fresh).Select(s => s.Frame).ToArray();
            Assert.That(frames, Is.Ordered.Ascending.And.Unique, "each new picture is a later frame of the stream");
            Assert.That(statuses.Any(s => s.Ended is not null), Is.False, "a live stream does not end while it sends");
            Assert.That(code, Is.EqualTo(ExitCodes.Success), cli.Error);
            Assert.That(cli.Error, Does.Not.Contain("blurvideo"), "no error of the monitor's (FFmpeg may log joining the stream between key frames)");
            var shown = FramesShown().Match(cli.Output);
            Assert.That(shown.Success, Is.True, cli.Output);
            Assert.That(long.Parse(shown.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(10));
        }
        finally
        {
            sender.Kill();
            await sender.WaitForExitAsync();
        }
    }

    [Test]
    public async Task A_file_plays_at_its_frame_rate_and_the_page_is_told_when_it_ends()
    {
        // 120 frames at 20 fps. The file starts playing when the monitor starts, so the page may join late: from the
        // first frame it sees to the last, the frames between must take their time (unpaced, the tiny model runs
        // them in a fraction of it).
        var folder = TestPaths.CreateTempFolder("monitor-file");
        try
        {
            var clip = Path.Combine(folder, "clip.mp4");
            TestClips.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=20", "-frames:v", "120", "-c:v", "mpeg4", clip);
            using var cli = CliProcess.Start("monitor", clip, "--port", "0", "--model", CliRun.TinyModel);
            await cli.WaitUntilAsync(() => PageAddress(cli.Output) is not null, "the page's address");

            var watch = Stopwatch.StartNew();
            var (firstFrame, firstSeen) = (-1L, TimeSpan.Zero);
            var statuses = await WatchAsync(PageAddress(cli.Output)!, until: seen =>
            {
                if (firstFrame < 0 && seen[^1].Fresh)
                {
                    (firstFrame, firstSeen) = (seen[^1].Frame, watch.Elapsed);
                }

                return seen[^1].Ended is not null;
            });
            var played = watch.Elapsed - firstSeen;
            cli.Signal("INT");
            var code = await cli.WaitForExitAsync();

            Assert.That(statuses[^1].Ended, Is.EqualTo("the source ended"));
            Assert.That(statuses.Where(s => s.Fresh).Max(s => s.Frame), Is.EqualTo(119), "the page shows the file's last frame");
            Assert.That(firstFrame, Is.LessThan(80), "the page joined while most of the file was still to play");
            Assert.That(played.TotalSeconds, Is.GreaterThan(0.8 * (119 - firstFrame) / 20), $"frames {firstFrame}-119 paced at 20 fps");
            Assert.That((code, cli.Error), Is.EqualTo((ExitCodes.Success, string.Empty)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Status(bool Fresh, long Frame, string? Ended);

    /// <summary>Reads the page's status messages over its WebSocket until <paramref name="until"/> holds for those seen so far.</summary>
    private static async Task<List<Status>> WatchAsync(Uri page, Func<List<Status>, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{page.Authority}/ws"), timeout.Token);
        var statuses = new List<Status>();
        var buffer = new byte[1 << 20];
        while (statuses.Count == 0 || !until(statuses))
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += received.Count;
            }
            while (!received.EndOfMessage);

            Assert.That(received.MessageType, Is.Not.EqualTo(WebSocketMessageType.Close), "the monitor closed the page's socket");
            if (received.MessageType == WebSocketMessageType.Text)
            {
                using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
                var root = json.RootElement;
                statuses.Add(new Status(
                    root.GetProperty("fresh").GetBoolean(),
                    root.GetProperty("frame").GetInt64(),
                    root.TryGetProperty("ended", out var ended) ? ended.GetString() : null));
            }
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return statuses;
    }

    private static Uri? PageAddress(string output)
    {
        var match = Address().Match(output);
        return match.Success ? new Uri(match.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"open (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex Address();

    [GeneratedRegex(@"(\d+) frames shown")]
    private static partial Regex FramesShown();
}
