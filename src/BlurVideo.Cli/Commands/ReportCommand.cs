using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlurVideo.Cli.Report;
using BlurVideo.Focus;
using BlurVideo.Inference;
using Spectre.Console;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo report &lt;file | folder&gt; -o DIR</c>: the out-of-focus segments of video files, as JSON, CSV, CMX3600
/// EDL and an HTML page with a focus plot per file and a thumbnail per segment.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video file, or a folder: every video in it." };
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "The report folder: segments.json, segments.csv, <file>.edl, report.html and files/ (thumbnails, per-file analyses).",
            Required = true,
        };
        var minDuration = Seconds("--min-duration", "Drop segments shorter than this many seconds (default 0.5).", 0.5);
        var bridge = Seconds("--bridge", "Bridge in-focus stretches shorter than this many seconds inside a segment (default 0.25).", 0.25);
        var enterBelow = Score("--enter-below", "A segment starts when the focus score falls below this (default 0.4).", 0.4f);
        var exitAbove = Score("--exit-above", "A segment ends when the focus score rises above this (default 0.6).", 0.6f);
        var sharpest = Score("--sharpest-fraction", "The focus score measures the region's sharpest part, this fraction of it (default 0.2: a sharp subject before a soft background is in focus; 1: the whole region).", 0.2f);
        sharpest.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() <= 0f)
            {
                result.AddError("--sharpest-fraction must be above 0.");
            }
        });
        var region = new Option<FocusRegionOfInterest>("--region")
        {
            Description = "The region whose focus is followed: centre (default), whole, or X:Y:W:H relative to the frame (e.g. 0.1:0.2:0.5:0.5).",
            HelpName = "centre|whole|X:Y:W:H",
            CustomParser = ParseRegion,
            DefaultValueFactory = _ => FocusRegionOfInterest.Centre,
        };
        var model = DetectorOptions.Model();
        var inputSize = DetectorOptions.InputSize(InputSizePolicy.ModelCard);
        var provider = DetectorOptions.Provider();
        var device = DetectorOptions.Device();

        var command = new Command("report", "Find the out-of-focus segments of a video file or of every video in a folder; write JSON, CSV, EDL and an HTML report.")
        {
            input, output, minDuration, bridge, enterBelow, exitAbove, sharpest, region, model, inputSize, provider, device,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(enterBelow) > result.GetValue(exitAbove))
            {
                result.AddError("--enter-below must not be above --exit-above.");
            }

        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ReportSettings
            {
                Input = parseResult.GetRequiredValue(input),
                OutputDirectory = parseResult.GetRequiredValue(output).FullName,
                Detection = new OutOfFocusOptions
                {
                    Region = parseResult.GetValue(region),
                    SharpestFraction = parseResult.GetValue(sharpest),
                    EnterBelow = parseResult.GetValue(enterBelow),
                    ExitAbove = parseResult.GetValue(exitAbove),
                    MinimumDuration = TimeSpan.FromSeconds(parseResult.GetValue(minDuration)),
                    BridgeGap = TimeSpan.FromSeconds(parseResult.GetValue(bridge)),
                },
                Model = parseResult.GetRequiredValue(model),
                InputSize = parseResult.GetValue(inputSize),
                Provider = parseResult.GetValue(provider),
                Device = parseResult.GetValue(device),
            };
            return await RunAsync(parseResult, settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, ReportSettings settings, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            var reports = await ReportRunner.RunAsync(settings, output, interactive, cancellationToken).ConfigureAwait(false);
            foreach (var failed in reports.Where(report => report.Error is not null))
            {
                await error.WriteLineAsync($"blurvideo report: {failed.File}: {failed.Error}").ConfigureAwait(false);
            }

            var failures = reports.Count(report => report.Error is not null);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{reports.Count} file(s), {reports.Count(r => r.UpToDate)} up to date, {failures} failed: {reports.Sum(r => r.Segments.Count)} out-of-focus segment(s); {Path.Combine(settings.OutputDirectory, "report.html")}")).ConfigureAwait(false);
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("blurvideo report: interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            return CliFailures.Report(error, "report", ex);
        }
    }

    private static Option<double> Seconds(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name) { Description = description, HelpName = "SECONDS", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() >= 0))
            {
                result.AddError($"{name} must be 0 or more seconds.");
            }
        });
        return option;
    }

    private static Option<float> Score(string name, string description, float defaultValue)
    {
        var option = new Option<float>(name) { Description = description, HelpName = "0..1", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() is not (>= 0f and <= 1f))
            {
                result.AddError($"{name} must be in [0, 1].");
            }
        });
        return option;
    }

    private static FocusRegionOfInterest ParseRegion(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "centre" : result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "centre" or "center":
                return FocusRegionOfInterest.Centre;
            case "whole":
                return FocusRegionOfInterest.Whole;
        }

        var parts = text.Split(':');
        var values = new float[4];
        if (parts.Length == 4 && parts.Select((part, i) => float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            var roi = new FocusRegionOfInterest(values[0], values[1], values[2], values[3]);
            try
            {
                roi.Validate();
                return roi;
            }
            catch (ArgumentOutOfRangeException)
            {
                // Reported below.
            }
        }

        result.AddError($"--region takes centre, whole or X:Y:W:H inside the frame (relative, e.g. 0.1:0.2:0.5:0.5), not '{text}'.");
        return FocusRegionOfInterest.Centre;
    }
}
