using System.Globalization;
using BlurVideo.Focus;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Report;

/// <summary>What <c>blurvideo report</c> runs: its input, output folder, detection settings and detector.</summary>
internal sealed record ReportSettings
{
    /// <summary>A video file, or a folder whose videos are all reported.</summary>
    public required string Input { get; init; }

    public required string OutputDirectory { get; init; }

    public OutOfFocusOptions Detection { get; init; } = new();

    public string Model { get; init; } = ModelCatalog.DefaultModelName;

    public InputSizePolicy InputSize { get; init; } = InputSizePolicy.ModelCard;

    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    public int Device { get; init; }

    /// <summary>Everything a file's analysis depends on besides the file: a cached analysis with another key is redone.</summary>
    public string AnalysisKey => string.Create(
        CultureInfo.InvariantCulture,
        $"2|{Model}|{InputSize}|{RegionText(Detection.Region)}|{Detection.SharpestFraction}|{Detection.EnterBelow}|{Detection.ExitAbove}|{Detection.MinimumDuration.TotalSeconds}|{Detection.BridgeGap.TotalSeconds}|{Detection.EndAtSceneCuts}");

    /// <summary>The region as the command line takes it: <c>centre</c>, <c>whole</c> or <c>X:Y:W:H</c>.</summary>
    public static string RegionText(FocusRegionOfInterest region) =>
        region == FocusRegionOfInterest.Centre ? "centre"
        : region == FocusRegionOfInterest.Whole ? "whole"
        : string.Create(CultureInfo.InvariantCulture, $"{region.X}:{region.Y}:{region.Width}:{region.Height}");
}
