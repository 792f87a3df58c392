using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlurVideo.Cli.Monitor;
using BlurVideo.Imaging;

namespace BlurVideo.Cli.Commands;

/// <summary>The overlay options shared by <c>video</c> and <c>monitor</c>, so that a recording matches what the operator saw.</summary>
internal sealed class OverlayArguments
{
    private readonly Option<OverlayMode> _mode;
    private readonly Option<OverlayBackground> _background = new("--background")
    {
        Description = "The picture under the overlay: colour, mono or black.",
        CustomParser = result => MonitorCommands.ParseBackground(Token(result, "colour")) ?? Fail<OverlayBackground>(result, "--background takes colour, mono or black"),
        DefaultValueFactory = _ => OverlayBackground.Colour,
    };

    private readonly Option<uint> _color = new("--peaking-color")
    {
        Description = "Peaking and outline colour as RRGGBB hex (default FF2020).",
        CustomParser = result => uint.TryParse(Token(result, "FF2020").TrimStart('#'), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var color) && color <= 0xFFFFFF
            ? color : Fail<uint>(result, "--peaking-color takes RRGGBB hex"),
        DefaultValueFactory = _ => OverlayRenderer.DefaultPeakingColor,
    };

    private readonly Option<float> _threshold = new("--peaking-threshold")
    {
        Description = "Peaking sensitivity: the edge strength in grey levels an edge needs (default 40; lower shows more).",
        DefaultValueFactory = _ => 40f,
    };

    private readonly Option<float?> _percentile = new("--peaking-percentile")
    {
        Description = "Peaking sensitivity as a percentile (0-100) of the frame's edge strengths, instead of --peaking-threshold.",
    };

    private readonly Option<float> _opacity = new("--heatmap-opacity")
    {
        Description = "Weight of the heatmap over the picture, 0-1 (default 0.45).",
        DefaultValueFactory = _ => 0.45f,
    };

    private readonly Option<int> _magnify = new("--magnify")
    {
        Description = "Punch-in magnification: 1 (off), 2, 3 or 4.",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<(float X, float Y)> _magnifyAt = new("--magnify-at")
    {
        Description = "Where to punch in, as X,Y relative to the frame (0-1; default 0.5,0.5).",
        CustomParser = ParsePoint,
        DefaultValueFactory = _ => (0.5f, 0.5f),
    };

    private readonly Option<bool> _zoneGrid = new("--zone-grid")
    {
        Description = "Draw the 3x3 zone grid with each zone's sharpness in percent.",
    };

    public OverlayArguments(OverlayMode defaultMode)
    {
        _mode = new Option<OverlayMode>("--overlay")
        {
            Description = "What to draw: heatmap (blur map in colour), peaking (in-focus edges) or outline (edge of the in-focus areas).",
            CustomParser = result => MonitorCommands.ParseMode(Token(result, "heatmap")) ?? Fail<OverlayMode>(result, "--overlay takes heatmap, peaking or outline"),
            DefaultValueFactory = _ => defaultMode,
        };
    }

    public IEnumerable<Option> All => [_mode, _background, _color, _threshold, _percentile, _opacity, _magnify, _magnifyAt, _zoneGrid];

    /// <summary>The parsed options; a value out of range is an <see cref="ArgumentOutOfRangeException"/> with one clear line.</summary>
    public OverlayOptions Read(ParseResult parseResult)
    {
        var (x, y) = parseResult.GetValue(_magnifyAt);
        var options = new OverlayOptions
        {
            Mode = parseResult.GetValue(_mode),
            Background = parseResult.GetValue(_background),
            PeakingColor = parseResult.GetValue(_color),
            PeakingThreshold = parseResult.GetValue(_threshold),
            PeakingPercentile = parseResult.GetValue(_percentile),
            HeatmapOpacity = parseResult.GetValue(_opacity),
            Magnification = parseResult.GetValue(_magnify),
            MagnifyX = x,
            MagnifyY = y,
            ZoneGrid = parseResult.GetValue(_zoneGrid),
        };
        options.Validate();
        return options;
    }

    private static string Token(ArgumentResult result, string fallback) => result.Tokens.Count == 0 ? fallback : result.Tokens[0].Value.ToLowerInvariant();

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError($"{message}, not '{Token(result, string.Empty)}'.");
        return default!;
    }

    private static (float, float) ParsePoint(ArgumentResult result)
    {
        var parts = Token(result, "0.5,0.5").Split(',');
        if (parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return (x, y);
        }

        return Fail<(float, float)>(result, "--magnify-at takes X,Y");
    }
}
