using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using BlurVideo.Measurement;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo smoothing-report</c>: runs a synthetic clip (by default the focus pull) through the detector without
/// and with temporal smoothing (same frames) and reports flicker and accuracy against the clip's ground truth.
/// </summary>
internal static class SmoothingReportCommand
{
    /// <summary>One full focus pull of the default synthetic scene (near to far and back).</summary>
    public const int DefaultFrames = 100;

    /// <summary>Amplitude of the pan clip's camera pan (pixels; up to 1.6 px per frame).</summary>
    public const int PanClipPixels = 40;

    /// <summary>Goal of issue 5: smoothed flicker at most half the unsmoothed flicker.</summary>
    public const double FlickerRatioGoal = 0.5;

    /// <summary>Goal of issue 5: Fβ lower by no more than this.</summary>
    public const double FBetaLossGoal = 0.01;

    public static Command Create()
    {
        var model = DetectorOptions.Model();
        var frames = new Option<int>("--frames")
        {
            Description = $"Frames of the synthetic clip to run (default {DefaultFrames}, one full focus pull; at least 2).",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultFrames,
        };
        var strength = new Option<float>("--strength")
        {
            Description = "Smoothing strength, the history weight in [0, 1) "
                + $"(default {TemporalSmoothingOptions.Default.Strength.ToString(CultureInfo.InvariantCulture)}).",
            HelpName = "S",
            DefaultValueFactory = _ => TemporalSmoothingOptions.Default.Strength,
        };
        var changeThreshold = new Option<float>("--change-threshold")
        {
            Description = "Per-pixel change up to which the history keeps its full weight, in (0, 1]; 1 = plain exponential "
                + $"smoothing (default {TemporalSmoothingOptions.Default.ChangeThreshold.ToString(CultureInfo.InvariantCulture)}).",
            HelpName = "C",
            DefaultValueFactory = _ => TemporalSmoothingOptions.Default.ChangeThreshold,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the synthetic scene (default 1; choose settings on one seed, report on another).",
            HelpName = "N",
            DefaultValueFactory = _ => new SyntheticSceneOptions().Seed,
        };
        var clip = new Option<string>("--clip")
        {
            Description = "pull (default): the focus pull with the moving ball; hold: focus held at the near end, the ball moving; "
                + $"pan: as hold, and the camera pans {PanClipPixels} px either way; still: nothing moves, frames differ only by sensor noise.",
            HelpName = "pull|hold|pan|still",
            DefaultValueFactory = _ => "pull",
        }.AcceptOnlyFromAmong("pull", "hold", "pan", "still");
        var motionCompensation = new Option<string>("--motion-compensation")
        {
            Description = "on (default): warp the history by optical flow before blending; off: blend in place (for comparison).",
            HelpName = "on|off",
            DefaultValueFactory = _ => "on",
        }.AcceptOnlyFromAmong("on", "off");
        var json = new Option<FileInfo>("--json")
        {
            Description = "Write the figures of both runs to this JSON file.",
            HelpName = "FILE",
        };

        var command = new Command(
            "smoothing-report",
            "Measure temporal smoothing on the synthetic focus-pull clip: flicker (mean |m(t) - m(t-1)| over pixels whose "
            + "label did not change), F-beta, MAE and IoU against the clip's ground truth, without and with smoothing.")
        {
            model, frames, strength, changeThreshold, seed, clip, motionCompensation, json,
        };
        frames.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 2)
            {
                result.AddError("--frames must be at least 2.");
            }
        });
        strength.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() is var value && !(value >= 0f && value < 1f))
            {
                result.AddError("--strength must be in [0, 1).");
            }
        });
        changeThreshold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() is var threshold && !(threshold > 0f && threshold <= 1f))
            {
                result.AddError("--change-threshold must be in (0, 1].");
            }
        });

        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult,
            parseResult.GetRequiredValue(model),
            parseResult.GetValue(frames),
            Scene(parseResult.GetRequiredValue(clip), parseResult.GetValue(seed)),
            TemporalSmoothingOptions.Default with
            {
                Strength = parseResult.GetValue(strength),
                ChangeThreshold = parseResult.GetValue(changeThreshold),
                MotionCompensation = parseResult.GetRequiredValue(motionCompensation) == "on",
            },
            parseResult.GetValue(json),
            cancellationToken));
        return command;
    }

    private static SyntheticSceneOptions Scene(string clip, int seed) => new()
    {
        Seed = seed,
        PullFocus = clip == "pull",
        MoveBall = clip != "still",
        CameraPanPixels = clip == "pan" ? PanClipPixels : 0,
    };

    private static string Describe(SyntheticSceneOptions scene) =>
        (scene.PullFocus ? "synthetic focus pull"
            : scene.CameraPanPixels > 0 ? "synthetic camera pan, focus held"
            : scene.MoveBall ? "synthetic clip, focus held" : "synthetic still clip")
        + string.Create(CultureInfo.InvariantCulture, $" {scene.Width}x{scene.Height}, seed {scene.Seed}");

    private static async Task<int> RunAsync(
        ParseResult parseResult, string model, int frames, SyntheticSceneOptions scene, TemporalSmoothingOptions smoothing, FileInfo? json,
        CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            using var detector = new BlurDetector(new BlurDetectorOptions { Model = model });
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Model {detector.Model.Name} on {detector.ActiveProvider}; {Describe(scene)}, {frames} frames, smoothing strength "
                + $"{smoothing.Strength}, change threshold {smoothing.ChangeThreshold}, motion compensation "
                + $"{(smoothing.MotionCompensation ? "on" : "off")}")).ConfigureAwait(false);
            var comparison = await SmoothingMeasurement.CompareAsync(detector, scene, frames, smoothing, cancellationToken)
                .ConfigureAwait(false);

            await output.WriteAsync(FormatTable(comparison)).ConfigureAwait(false);
            if (json is not null)
            {
                WriteJson(comparison, detector.Model.Name, scene, smoothing, json.FullName);
                await output.WriteLineAsync($"JSON: {json.FullName}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("blurvideo smoothing-report: interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            return CliFailures.Report(error, "smoothing-report", ex);
        }
    }

    internal static string FormatTable(SmoothingComparison comparison)
    {
        var (off, on) = (comparison.Unsmoothed, comparison.Smoothed);
        var ratioMet = comparison.FlickerRatio <= FlickerRatioGoal;
        var fBetaMet = comparison.FBetaChange >= -FBetaLossGoal;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
                             off       on
            flicker     {off.Flicker,8:F5} {on.Flicker,8:F5}   ratio {comparison.FlickerRatio:F3} (goal <= {FlickerRatioGoal}: {(ratioMet ? "met" : "NOT met")})
            jitter      {off.Jitter,8:F5} {on.Jitter,8:F5}   ratio {comparison.JitterRatio:F3} (flicker where the raw decision held)
            flip share  {off.DecisionFlipShare,8:F3}            (of the unsmoothed flicker, where the raw decision flipped: a filter that follows the detector keeps it)
            F-beta      {off.FBeta,8:F4} {on.FBeta,8:F4}   change {Math.Round(comparison.FBetaChange, 4) + 0.0:+0.0000;-0.0000;+0.0000} (goal >= -{FBetaLossGoal}: {(fBetaMet ? "met" : "NOT met")})
            MAE         {off.Mae,8:F4} {on.Mae,8:F4}
            IoU         {off.IoU,8:F4} {on.IoU,8:F4}

            """);
    }

    private static void WriteJson(
        SmoothingComparison comparison, string modelName, SyntheticSceneOptions scene, TemporalSmoothingOptions smoothing, string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("model", modelName);
        writer.WriteString("source", Describe(scene));
        writer.WriteNumber("frames", comparison.Unsmoothed.Frames);
        writer.WriteNumber("strength", smoothing.Strength);
        writer.WriteNumber("change_threshold", smoothing.ChangeThreshold);
        writer.WriteBoolean("motion_compensation", smoothing.MotionCompensation);
        WriteFigures(writer, "off", comparison.Unsmoothed);
        WriteFigures(writer, "on", comparison.Smoothed);
        writer.WriteNumber("flicker_ratio", comparison.FlickerRatio);
        writer.WriteNumber("jitter_ratio", comparison.JitterRatio);
        writer.WriteNumber("fbeta_change", comparison.FBetaChange);
        writer.WriteBoolean("flicker_goal_met", comparison.FlickerRatio <= FlickerRatioGoal);
        writer.WriteBoolean("fbeta_goal_met", comparison.FBetaChange >= -FBetaLossGoal);
        writer.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter writer, string name, StabilityFigures figures)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("flicker", figures.Flicker);
        writer.WriteNumber("jitter", figures.Jitter);
        writer.WriteNumber("decision_flip_share", figures.DecisionFlipShare);
        writer.WriteNumber("fbeta", figures.FBeta);
        writer.WriteNumber("mae", figures.Mae);
        writer.WriteNumber("iou", figures.IoU);
        writer.WriteEndObject();
    }
}
