using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using Spectre.Console;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo video &lt;input&gt; -o &lt;out.mp4&gt;</c>: detects blur in every frame of a file, camera, stream or the
/// synthetic clip, and writes the overlay video and optionally a CSV, the statistics JSON and every blur map.
/// </summary>
internal static class VideoCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input")
        {
            Description = "A video file, a folder of images, a camera index (0) or device (/dev/video0), a URL (rtsp, http, udp, tcp), or 'synthetic'.",
        };
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "The overlay video to write (.mp4: mp4v; .avi: MJPG). Optional when --csv, --maps-dir, --frame-metadata or --stats-json is given.",
        };
        var overlay = new OverlayArguments(OverlayMode.Heatmap);
        var csv = new Option<FileInfo>("--csv")
        {
            Description = "Write one CSV row per emitted frame: index, timestamp_ms, blurred_fraction, focus_score, latency_ms, stale.",
        };
        var statsJson = new Option<FileInfo>("--stats-json")
        {
            Description = "Write the pipeline statistics (frames in/out, drops by reason, latency p50/p95/p99, fps, stage times) as JSON.",
        };
        var frameMetadata = new Option<FileInfo>("--frame-metadata")
        {
            Description = "Write ffprobe-style per-frame records (pts_time and lavfi.blurvideo.* tags) to FILE: JSON for .json, else CSV, "
                + "in the shapes of 'ffprobe -show_entries frame=pts_time:frame_tags -of json|csv'.",
            HelpName = "FILE",
        };
        var mapsDirectory = new Option<DirectoryInfo>("--maps-dir")
        {
            Description = "Write every emitted frame's blur map as an 8-bit PNG at the frame's size (255 = blurred), named by frame index.",
        };
        var smoothing = new Option<TemporalSmoothingOptions>("--smoothing")
        {
            Description = "Temporal smoothing: on (default), off, or a strength in [0, 1).",
            CustomParser = ParseSmoothing,
            DefaultValueFactory = _ => TemporalSmoothingOptions.Default,
        };
        var live = new Option<bool>("--live")
        {
            Description = "Live mode (drop late frames to stay within the latency budget); the default for cameras and streams.",
        };
        var fixedQuality = new Option<bool>("--fixed-quality")
        {
            Description = "Live mode: always run the network at the full input size (by default a smaller size is used while inference is too slow for the stream).",
        };
        var maxFrames = new Option<long?>("--max-frames")
        {
            Description = "Stop after this many frames.",
        };
        maxFrames.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is <= 0)
            {
                result.AddError("--max-frames must be positive.");
            }
        });
        var duration = DurationOption.Create("Stop after this many seconds (opening the source included).");
        var model = DetectorOptions.Model();
        var inputSize = DetectorOptions.InputSize(InputSizePolicy.ModelCard);
        var provider = DetectorOptions.Provider();
        var device = DetectorOptions.Device();

        var command = new Command("video", "Detect blur in every frame of a video file, camera or stream and write the overlay video, CSV, maps and statistics.")
        {
            input, output, csv, statsJson, frameMetadata, mapsDirectory, smoothing, live, fixedQuality, maxFrames, duration, model, inputSize, provider, device,
        };
        foreach (var option in overlay.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            OverlayOptions overlayOptions;
            try
            {
                overlayOptions = overlay.Read(parseResult);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"blurvideo video: {ex.Message.Split('\n')[0].Split(" (Parameter")[0]}");
                return Task.FromResult(ExitCodes.Failure);
            }

            var settings = new VideoJobSettings
            {
                Input = parseResult.GetRequiredValue(input),
                OutputVideo = parseResult.GetValue(output)?.FullName,
                Overlay = overlayOptions,
                CsvPath = parseResult.GetValue(csv)?.FullName,
                StatsJsonPath = parseResult.GetValue(statsJson)?.FullName,
                FrameMetadataPath = parseResult.GetValue(frameMetadata)?.FullName,
                MapsDirectory = parseResult.GetValue(mapsDirectory)?.FullName,
                Smoothing = parseResult.GetRequiredValue(smoothing),
                Live = parseResult.GetValue(live),
                FixedQuality = parseResult.GetValue(fixedQuality),
                MaxFrames = parseResult.GetValue(maxFrames),
                Duration = parseResult.GetValue(duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Model = parseResult.GetRequiredValue(model),
                InputSize = parseResult.GetValue(inputSize),
                Provider = parseResult.GetValue(provider),
                Device = parseResult.GetValue(device),
            };
            if (!settings.HasOutput)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(
                    "blurvideo video: nothing to write; give -o VIDEO, --csv FILE, --maps-dir DIR, --frame-metadata FILE or --stats-json FILE.");
                return Task.FromResult(ExitCodes.Failure);
            }

            return RunAsync(parseResult, "video", settings, cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the job and reports it; every expected failure is one line on stderr and a non-zero exit code.</summary>
    internal static async Task<int> RunAsync(
        ParseResult parseResult, string commandName, VideoJobSettings settings, CancellationToken cancellationToken,
        Action<VideoJobOutcome, TextWriter>? summarize = null)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            var outcome = await VideoJob.RunAsync(settings, output, interactive, cancellationToken).ConfigureAwait(false);
            if (outcome.Statistics.FramesOut == 0)
            {
                await error.WriteLineAsync(outcome.Interrupted
                    ? $"blurvideo {commandName}: interrupted before the first frame; no video was written."
                    : $"blurvideo {commandName}: no frame was processed (the input delivered none within the limits); no video was written.").ConfigureAwait(false);
                return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.Failure;
            }

            (summarize ?? PrintSummary)(outcome, output);
            if (outcome.Interrupted)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"blurvideo {commandName}: interrupted; the outputs hold the {outcome.Statistics.FramesOut} frames processed so far.")).ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"blurvideo {commandName}: interrupted before the source opened; nothing was written.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            return CliFailures.Report(error, commandName, ex);
        }
    }

    private static void PrintSummary(VideoJobOutcome outcome, TextWriter output)
    {
        var statistics = outcome.Statistics;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{statistics.FramesOut} frames ({statistics.DroppedTotal} dropped, {statistics.StaleResults} stale, {outcome.FramesSkipped} undecodable skipped) at {statistics.FramesPerSecond:F1} fps with {outcome.ModelName}; latency p50 {statistics.Latency.P50Ms:F1} ms, p95 {statistics.Latency.P95Ms:F1} ms; mean blurred fraction {outcome.MeanBlurredFraction:F3}."));
    }

    internal static TemporalSmoothingOptions ParseSmoothing(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "on" : result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "on":
                return TemporalSmoothingOptions.Default;
            case "off":
                return TemporalSmoothingOptions.Disabled;
        }

        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var strength) && strength is >= 0f and < 1f)
        {
            return TemporalSmoothingOptions.Default with { Strength = strength };
        }

        result.AddError($"--smoothing takes on, off or a strength in [0, 1), not '{text}'.");
        return TemporalSmoothingOptions.Default;
    }
}
