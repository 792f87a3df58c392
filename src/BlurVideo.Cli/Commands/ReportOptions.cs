using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlurVideo.Cli.Report;
using BlurVideo.Focus;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// The analysis options of <c>blurvideo report</c> (segment thresholds, region, detector), shared with
/// <c>blurvideo queue submit</c>, whose jobs run the same report.
/// </summary>
internal sealed class ReportOptions
{
    private readonly Option<double> _minDuration = Seconds("--min-duration", "Drop segments shorter than this many seconds (default 0.5).", 0.5);
    private readonly Option<double> _bridge = Seconds("--bridge", "Bridge in-focus stretches shorter than this many seconds inside a segment (default 0.25).", 0.25);
    private readonly Option<float> _enterBelow = Score("--enter-below", "A segment starts when the focus score falls below this (default 0.4).", 0.4f);
    private readonly Option<float> _exitAbove = Score("--exit-above", "A segment ends when the focus score rises above this (default 0.6).", 0.6f);
    private readonly Option<float> _sharpestFraction = SharpestFraction();
    private readonly Option<FocusRegionOfInterest> _region = new("--region")
    {
        Description = "The region whose focus is followed: centre (default), whole, or X:Y:W:H relative to the frame (e.g. 0.1:0.2:0.5:0.5).",
        HelpName = "centre|whole|X:Y:W:H",
        CustomParser = ParseRegion,
        DefaultValueFactory = _ => FocusRegionOfInterest.Centre,
    };

    private readonly Option<string> _model = DetectorOptions.Model();
    private readonly Option<InputSizePolicy> _inputSize = DetectorOptions.InputSize(InputSizePolicy.ModelCard);
    private readonly Option<ExecutionProvider> _provider = DetectorOptions.Provider();
    private readonly Option<int> _device = DetectorOptions.Device();

    /// <summary>Adds the options and their cross-check to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _minDuration, _bridge, _enterBelow, _exitAbove, _sharpestFraction, _region, _model, _inputSize, _provider, _device })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.GetValue(_enterBelow) > result.GetValue(_exitAbove))
            {
                result.AddError("--enter-below must not be above --exit-above.");
            }
        });
    }

    /// <summary>The report settings the parsed options describe, for <paramref name="input"/> into <paramref name="outputDirectory"/>.</summary>
    public ReportSettings Read(ParseResult parseResult, string input, string outputDirectory) => new()
    {
        Input = input,
        OutputDirectory = outputDirectory,
        Detection = new OutOfFocusOptions
        {
            Region = parseResult.GetValue(_region),
            SharpestFraction = parseResult.GetValue(_sharpestFraction),
            EnterBelow = parseResult.GetValue(_enterBelow),
            ExitAbove = parseResult.GetValue(_exitAbove),
            MinimumDuration = TimeSpan.FromSeconds(parseResult.GetValue(_minDuration)),
            BridgeGap = TimeSpan.FromSeconds(parseResult.GetValue(_bridge)),
        },
        Model = parseResult.GetRequiredValue(_model),
        InputSize = parseResult.GetValue(_inputSize),
        Provider = parseResult.GetValue(_provider),
        Device = parseResult.GetValue(_device),
    };

    /// <summary>Reads a region as <see cref="ReportSettings.RegionText"/> writes it: <c>centre</c>, <c>whole</c> or <c>X:Y:W:H</c>.</summary>
    public static bool TryParseRegion(string text, out FocusRegionOfInterest region)
    {
        region = FocusRegionOfInterest.Centre;
        switch (text.ToLowerInvariant())
        {
            case "centre" or "center":
                return true;
            case "whole":
                region = FocusRegionOfInterest.Whole;
                return true;
        }

        var parts = text.Split(':');
        var values = new float[4];
        if (parts.Length != 4 || !parts.Select((part, i) => float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            return false;
        }

        var roi = new FocusRegionOfInterest(values[0], values[1], values[2], values[3]);
        try
        {
            roi.Validate();
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        region = roi;
        return true;
    }

    private static FocusRegionOfInterest ParseRegion(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "centre" : result.Tokens[0].Value;
        if (TryParseRegion(text, out var region))
        {
            return region;
        }

        result.AddError($"--region takes centre, whole or X:Y:W:H inside the frame (relative, e.g. 0.1:0.2:0.5:0.5), not '{text}'.");
        return FocusRegionOfInterest.Centre;
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

    private static Option<float> SharpestFraction()
    {
        var option = Score("--sharpest-fraction", "The focus score measures the region's sharpest part, this fraction of it (default 0.2: a sharp subject before a soft background is in focus; 1: the whole region).", 0.2f);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() <= 0f)
            {
                result.AddError("--sharpest-fraction must be above 0.");
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
}
