using System.Globalization;
using BlurVideo.Imaging;

namespace BlurVideo.Cli.Monitor;

/// <summary>
/// The page's commands, one short text message each: <c>set NAME VALUE</c> (mode, background, color, threshold,
/// percentile, opacity, zoom, point, grid) and <c>reset-peak</c> (the server reads <c>shown CAPTURE</c>, the page's
/// display acknowledgement, itself). Anything else, or a value out of range, is ignored.
/// </summary>
internal static class MonitorCommands
{
    public static bool Apply(MonitorFeed feed, string command)
    {
        var parts = command.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (parts)
        {
            case ["reset-peak"]:
                feed.ResetPeak();
                return true;
            case ["set", var name, .. var values]:
                var updated = With(feed.Overlay, name, values);
                if (updated is null)
                {
                    return false;
                }

                try
                {
                    feed.Overlay = updated;
                    return true;
                }
                catch (ArgumentOutOfRangeException)
                {
                    return false;
                }

            default:
                return false;
        }
    }

    /// <summary>The options with one setting changed; null when the name or value is not understood.</summary>
    public static OverlayOptions? With(OverlayOptions options, string name, string[] values)
    {
        var value = values.Length > 0 ? values[0] : string.Empty;
        return name switch
        {
            "mode" => ParseMode(value) is { } mode ? options with { Mode = mode } : null,
            "background" => ParseBackground(value) is { } background ? options with { Background = background } : null,
            "color" => uint.TryParse(value.TrimStart('#'), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var color) ? options with { PeakingColor = color } : null,
            "threshold" => Number(value) is { } threshold ? options with { PeakingThreshold = threshold, PeakingPercentile = null } : null,
            "percentile" => value == "off" ? options with { PeakingPercentile = null }
                : Number(value) is { } percentile ? options with { PeakingPercentile = percentile } : null,
            "opacity" => Number(value) is { } opacity ? options with { HeatmapOpacity = opacity } : null,
            "zoom" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var zoom) ? options with { Magnification = zoom } : null,
            "point" when values.Length == 2 && Number(values[0]) is { } x && Number(values[1]) is { } y => options with { MagnifyX = x, MagnifyY = y },
            "grid" => value switch { "on" => options with { ZoneGrid = true }, "off" => options with { ZoneGrid = false }, _ => null },
            _ => null,
        };
    }

    public static OverlayMode? ParseMode(string text) => text switch
    {
        "heatmap" => OverlayMode.Heatmap,
        "peaking" => OverlayMode.Peaking,
        "outline" => OverlayMode.Outline,
        _ => null,
    };

    public static OverlayBackground? ParseBackground(string text) => text switch
    {
        "colour" or "color" => OverlayBackground.Colour,
        "mono" => OverlayBackground.Mono,
        "black" => OverlayBackground.Black,
        _ => null,
    };

    public static string ModeName(OverlayMode mode) => mode switch
    {
        OverlayMode.Peaking => "peaking",
        OverlayMode.Outline => "outline",
        _ => "heatmap",
    };

    public static string BackgroundName(OverlayBackground background) => background switch
    {
        OverlayBackground.Mono => "mono",
        OverlayBackground.Black => "black",
        _ => "colour",
    };

    private static float? Number(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value) ? value : null;
}
