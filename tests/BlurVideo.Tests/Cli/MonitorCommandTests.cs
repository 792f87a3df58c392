using BlurVideo.Cli.Commands;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

[TestFixture]
public sealed class MonitorCommandTests
{
    [Test]
    public async Task Binding_another_address_without_a_token_is_one_clear_line_and_a_failure_exit_code()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync("monitor", "synthetic", "--bind", "127.0.0.2", "--port", "0", "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.TrimEnd(), Is.EqualTo("blurvideo monitor: --bind 127.0.0.2 needs --token (only 127.0.0.1 and ::1 are served without one)."));
    }

    [Test]
    public async Task A_bind_address_that_is_not_an_ip_address_is_refused()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync("monitor", "synthetic", "--bind", "example.org", "--model", CliRun.TinyModel);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.TrimEnd(), Is.EqualTo("blurvideo monitor: --bind takes an IP address, not 'example.org'."));
    }

    [Test]
    public async Task The_monitor_serves_until_its_duration_and_stops_cleanly_with_a_summary()
    {
        var (exitCode, output, error) = await CliRun.InvokeAsync("monitor", "synthetic", "--port", "0", "--duration", "2", "--model", CliRun.TinyModel, "--zone-grid");

        Assert.That(error, Is.Empty);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output, Does.Contain("open http://127.0.0.1:").And.Contain("frames shown; capture-to-display latency"));
    }

    [Test]
    public async Task The_video_command_takes_the_monitor_overlay_options()
    {
        var folder = TestPaths.CreateTempFolder("monitor-overlay");
        var video = Path.Combine(folder, "out.mp4");
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", video, "--max-frames", "3", "--model", CliRun.TinyModel,
            "--overlay", "outline", "--background", "mono", "--peaking-color", "00FF00", "--zone-grid", "--magnify", "2", "--magnify-at", "0.3,0.6");

        Assert.That((exitCode, error), Is.EqualTo((ExitCodes.Success, string.Empty)));
        Assert.That(new FileInfo(video).Length, Is.GreaterThan(0));
    }

    [Test]
    public async Task An_overlay_option_out_of_range_is_one_clear_line()
    {
        var (exitCode, _, error) = await CliRun.InvokeAsync(
            "video", "synthetic", "-o", Path.Combine(TestPaths.CreateTempFolder("monitor-overlay"), "out.mp4"), "--model", CliRun.TinyModel, "--magnify", "7");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.TrimEnd(), Is.EqualTo("blurvideo video: Magnification is 7; it must be in 1, 2, 3 or 4."));
    }
}
