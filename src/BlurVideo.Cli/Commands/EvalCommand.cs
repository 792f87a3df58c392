using System.CommandLine;
using BlurVideo.Inference;
using BlurVideo.Measurement.Evaluation;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo eval</c>: scores blur maps against ground-truth masks under <see cref="EvaluationProtocol"/>.
/// Mode (a) <c>--maps DIR --masks DIR</c> scores maps that already exist (any method's);
/// mode (b) <c>--model M --images DIR --masks DIR</c> runs the detector on the photos, then scores its maps.
/// </summary>
internal static class EvalCommand
{
    private static readonly string[] PolarityNames = ["blur", "sharp"];

    public static Command Create()
    {
        var maps = new Option<DirectoryInfo>("--maps")
        {
            Description = "Folder of blur maps to score (mode a), paired with the masks by file-name stem.",
            HelpName = "DIR",
        };
        var images = new Option<DirectoryInfo>("--images")
        {
            Description = "Folder of photos to run the detector on (mode b), paired with the masks by file-name stem.",
            HelpName = "DIR",
        };
        var model = new Option<string>("--model")
        {
            Description = "Model for mode b: a shipped model's name or the path of an .onnx file with its card.",
            HelpName = "M",
        };
        var inputSize = DetectorOptions.InputSize(InputSizePolicy.Native);
        var masks = new Option<DirectoryInfo>("--masks")
        {
            Description = "Folder of ground-truth masks (binarized at 0.5).",
            HelpName = "DIR",
            Required = true,
        };
        var mapsPolarity = PolarityOption("--maps-polarity", "What white means in the maps");
        var masksPolarity = PolarityOption("--masks-polarity", "What white means in the masks");
        var json = new Option<FileInfo>("--json")
        {
            Description = "Write the figures, the PR curve and one row per image to this JSON file.",
            HelpName = "FILE",
        };
        var curveCsv = new Option<FileInfo>("--pr-csv")
        {
            Description = "Write the PR curve (threshold, precision, recall, fbeta) to this CSV file.",
            HelpName = "FILE",
        };
        var curveSvg = new Option<FileInfo>("--pr-svg")
        {
            Description = "Plot the PR curve into this SVG file.",
            HelpName = "FILE",
        };

        var command = new Command(
            "eval",
            "Score blur maps against ground-truth masks: MAE, F-beta (beta^2 = 0.3) and IoU at threshold 0.5 with "
            + "blurred as positive, per image then averaged, and the dataset PR curve over 256 thresholds with its maxF.")
        {
            maps, images, model, inputSize, masks, mapsPolarity, masksPolarity, json, curveCsv, curveSvg,
        };
        command.Validators.Add(result =>
        {
            var hasMaps = result.GetResult(maps) is not null;
            var hasImages = result.GetResult(images) is not null;
            var hasModel = result.GetResult(model) is not null;
            if (hasMaps == hasImages)
            {
                result.AddError("Give either --maps DIR (score existing maps) or --model M --images DIR (run the detector).");
            }
            else if (hasImages != hasModel)
            {
                result.AddError("--model and --images go together.");
            }
            else if (hasMaps && result.GetResult(inputSize) is { Implicit: false })
            {
                result.AddError("--input-size applies to --model only.");
            }
            else if (hasModel && result.GetResult(mapsPolarity) is { Implicit: false })
            {
                result.AddError("--maps-polarity applies to --maps only; the detector's maps are 1 = blurred.");
            }
        });

        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var masksDirectory = parseResult.GetRequiredValue(masks).FullName;
            var maskPolarity = ParsePolarity(parseResult.GetValue(masksPolarity));
            try
            {
                EvaluationReport report;
                string title;
                if (parseResult.GetValue(maps) is { } mapsDirectory)
                {
                    report = BlurMapEvaluation.EvaluateMapFolder(
                        mapsDirectory.FullName, masksDirectory, ParsePolarity(parseResult.GetValue(mapsPolarity)),
                        maskPolarity);
                    title = $"{mapsDirectory.Name} vs {Path.GetFileName(masksDirectory)}";
                }
                else
                {
                    using var detector = new BlurDetector(new BlurDetectorOptions
                    {
                        Model = parseResult.GetRequiredValue(model), InputSize = parseResult.GetValue(inputSize),
                    });
                    output.WriteLine($"Model {detector.Model.Name} on {detector.ActiveProvider}");
                    report = BlurMapEvaluation.EvaluateDetector(
                        detector.DetectFile, parseResult.GetRequiredValue(images).FullName, masksDirectory, maskPolarity);
                    title = $"{detector.Model.Name} on {Path.GetFileName(masksDirectory)}";
                }

                output.Write(EvaluationReportWriter.FormatTable(report));
                if (parseResult.GetValue(json) is { } jsonFile)
                {
                    EvaluationReportWriter.WriteJson(report, jsonFile.FullName);
                    output.WriteLine($"JSON: {jsonFile.FullName}");
                }

                if (parseResult.GetValue(curveCsv) is { } csvFile)
                {
                    EvaluationReportWriter.WritePrecisionRecallCsv(report, csvFile.FullName);
                    output.WriteLine($"PR curve CSV: {csvFile.FullName}");
                }

                if (parseResult.GetValue(curveSvg) is { } svgFile)
                {
                    EvaluationReportWriter.WritePrecisionRecallSvg(report, svgFile.FullName, title);
                    output.WriteLine($"PR curve SVG: {svgFile.FullName}");
                }

                return ExitCodes.Success;
            }
            catch (Exception exception) when (CliFailures.IsExpected(exception))
            {
                return CliFailures.Report(error, "eval", exception);
            }
        });
        return command;
    }

    private static Option<string> PolarityOption(string name, string description) => new Option<string>(name)
    {
        Description = $"{description}: blur (white = blurred, the default) or sharp (white = in focus).",
        HelpName = "blur|sharp",
        DefaultValueFactory = _ => "blur",
    }.AcceptOnlyFromAmong(PolarityNames);

    private static Polarity ParsePolarity(string? name) => name == "sharp" ? Polarity.Sharp : Polarity.Blur;
}
