using System.CommandLine;
using System.Globalization;
using System.Net;
using BlurVideo.Cli.Monitor;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo monitor &lt;source&gt;</c>: live focus assist in the browser. Serves one page on 127.0.0.1:8080 (by
/// default) with the overlaid picture, the focus meter with peak-hold and trend, the zone grid, the state, fps and
/// latency, and a control for every overlay option. Ctrl+C stops it.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("source")
        {
            Description = "A camera index (0) or device, a video file (played at its frame rate), a URL, or 'synthetic'.",
        };
        var port = new Option<int>("--port") { Description = "The port to serve on (default 8080; 0 picks a free one).", DefaultValueFactory = _ => 8080 };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be in 0-65535.");
            }
        });
        var bind = new Option<string>("--bind") { Description = "The IP address to serve on (default 127.0.0.1); any other needs --token.", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = "A secret every request must carry (?token=T); required with --bind." };
        var duration = DurationOption.Create("Stop after this many seconds (default: until Ctrl+C).");
        var smoothing = new Option<TemporalSmoothingOptions>("--smoothing")
        {
            Description = "Temporal smoothing: off (default: its history holds the meter's peak back on a focus pull), on, or a strength in [0, 1).",
            CustomParser = VideoCommand.ParseSmoothing,
            DefaultValueFactory = _ => TemporalSmoothingOptions.Disabled,
        };
        var overlay = new OverlayArguments(OverlayMode.Peaking);
        var model = DetectorOptions.Model();
        var provider = DetectorOptions.Provider();
        var device = DetectorOptions.Device();

        var command = new Command("monitor", "Live focus assist in the browser: the overlaid picture, focus meter with peak-hold, zone grid and state on a local web page.")
        {
            input, port, bind, token, duration, smoothing, model, provider, device,
        };
        foreach (var option in overlay.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var output = parseResult.InvocationConfiguration.Output;
            var bindText = parseResult.GetRequiredValue(bind);
            if (!IPAddress.TryParse(bindText, out var address))
            {
                await error.WriteLineAsync($"blurvideo monitor: --bind takes an IP address, not '{bindText}'.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            try
            {
                var options = new MonitorOptions
                {
                    Bind = address,
                    Port = parseResult.GetValue(port),
                    Token = parseResult.GetValue(token),
                    Overlay = overlay.Read(parseResult),
                    Smoothing = parseResult.GetRequiredValue(smoothing),
                };
                var seconds = parseResult.GetValue(duration);
                return await RunAsync(parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(model), parseResult.GetValue(provider),
                    parseResult.GetValue(device), options, seconds is { } s ? TimeSpan.FromSeconds(s) : null, output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException || CliFailures.IsExpected(ex))
            {
                await error.WriteLineAsync($"blurvideo monitor: {FirstLine(ex.Message)}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string input, string model, ExecutionProvider provider, int device, MonitorOptions options, TimeSpan? duration,
        TextWriter output, CancellationToken cancellationToken)
    {
        if (MonitorOptions.RequiresToken(options.Bind) && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException($"--bind {options.Bind} needs --token (only 127.0.0.1 and ::1 are served without one).");
        }

        VideoJobInput.RequireExisting(input);
        using var detector = new BlurDetector(DetectorOptions.Create(model, InputSizePolicy.ModelCard, provider, device));
        DetectorOptions.ReportFallback(detector, output);
        var source = OpenLive(input);
        await using var host = await MonitorHost.StartAsync(source, detector, options, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Monitoring {source.Description} with {detector.Model.Name}: open {host.Address} (Ctrl+C stops).").ConfigureAwait(false);
        try
        {
            await Task.Delay(duration ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: a clean stop.
        }

        var shown = host.Feed.FramesShown;
        var display = host.Feed.DisplayLatency.Summarize();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{shown} frames shown; capture-to-display latency over {display.Count} displayed frames: p50 {display.P50Ms:F1} ms, p95 {display.P95Ms:F1} ms.")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The source as a live one: files play at their frame rate, the synthetic clip is paced and endless.</summary>
    private static IFrameSource OpenLive(string input)
    {
        var source = VideoJobInput.Open(new VideoJobSettings { Input = input, OutputVideo = string.Empty, Live = true });
        return source.IsLive ? source : new PacedFrameSource(source, fallbackFramesPerSecond: 25);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();
}
