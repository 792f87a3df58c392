using System.CommandLine;
using System.Globalization;
using BlurVideo.Inference;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo demo</c>: the main job on the embedded default — the synthetic focus-pull clip through the
/// pipeline with the default shipped model — writing the overlay video, the CSV and the statistics, with a summary.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Default length of the demo clip: one full focus pull of the synthetic scene (4 s at 25 fps, 320×240).</summary>
    public const int ClipFrames = 100;

    public const string VideoFileName = "demo.mp4";
    public const string CsvFileName = "frames.csv";
    public const string StatsFileName = "stats.json";

    public static Command Create()
    {
        var outputDirectory = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Folder for the demo's video, CSV and statistics.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")),
        };
        var model = DetectorOptions.Model();
        var provider = DetectorOptions.Provider();
        var device = DetectorOptions.Device();
        var frames = new Option<int>("--frames")
        {
            Description = $"Length of the clip in frames (default {ClipFrames}, one full focus pull).",
            DefaultValueFactory = _ => ClipFrames,
        };
        frames.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError("--frames must be positive.");
            }
        });
        var command = new Command(
            "demo",
            "Run the synthetic focus-pull clip through the pipeline with the shipped model and write the overlay video, CSV and statistics.")
        {
            outputDirectory, model, frames, provider, device,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetRequiredValue(outputDirectory).FullName;
            var modelName = parseResult.GetRequiredValue(model);
            if (!TryResolveModel(modelName, out var failure))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"blurvideo demo: {failure}");
                return Task.FromResult(ExitCodes.Failure);
            }

            var settings = new VideoJobSettings
            {
                Input = VideoJobInput.Synthetic,
                OutputVideo = Path.Combine(directory, VideoFileName),
                CsvPath = Path.Combine(directory, CsvFileName),
                StatsJsonPath = Path.Combine(directory, StatsFileName),
                MaxFrames = parseResult.GetValue(frames),
                Model = modelName,
                Smoothing = TemporalSmoothingOptions.Default,
                Provider = parseResult.GetValue(provider),
                Device = parseResult.GetValue(device),
            };
            return VideoCommand.RunAsync(
                parseResult, "demo", settings, cancellationToken, (outcome, output) => PrintSummary(outcome, settings, output));
        });
        return command;
    }

    private static bool TryResolveModel(string model, out string failure)
    {
        try
        {
            ModelCatalog.Resolve(model);
            failure = "";
            return true;
        }
        catch (ModelNotFoundException ex) when (model == ModelCatalog.DefaultModelName)
        {
            failure = $"the demo needs the shipped model '{model}', which was not found: {ex.Message} "
                      + "The build copies the repository's models/ next to the command; check that models/ holds it.";
            return false;
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            failure = ex.Message;
            return false;
        }
    }

    private static void PrintSummary(VideoJobOutcome outcome, VideoJobSettings settings, TextWriter output)
    {
        var statistics = outcome.Statistics;
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"BlurVideo demo: synthetic focus pull through {outcome.ModelName}");
        output.WriteLine(string.Create(invariant, $"  frames        {statistics.FramesOut} ({statistics.DroppedTotal} dropped)"));
        output.WriteLine(string.Create(invariant, $"  speed         {statistics.FramesPerSecond:F1} fps"));
        output.WriteLine(string.Create(invariant, $"  latency       p50 {statistics.Latency.P50Ms:F1} ms, p95 {statistics.Latency.P95Ms:F1} ms"));
        output.WriteLine(string.Create(invariant, $"  mean blurred  {outcome.MeanBlurredFraction:P1} of each frame"));
        output.WriteLine($"  video         {settings.OutputVideo}");
        output.WriteLine($"  per frame     {settings.CsvPath}");
        output.WriteLine($"  statistics    {settings.StatsJsonPath}");
    }
}
