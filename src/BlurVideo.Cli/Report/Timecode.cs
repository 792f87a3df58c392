using System.Diagnostics;
using System.Globalization;

namespace BlurVideo.Cli.Report;

/// <summary>SMPTE non-drop-frame timecodes (HH:MM:SS:FF) at a whole number of frames per second.</summary>
internal static class Timecode
{
    public const string Zero = "00:00:00:00";

    /// <summary>The timecode base of a frame rate: 29.97 counts 30 frames a second, as non-drop-frame timecode does.</summary>
    public static int Base(double framesPerSecond) => Math.Max(1, (int)Math.Round(framesPerSecond));

    public static string FromFrames(long frames, int timecodeBase)
    {
        var perHour = 3600L * timecodeBase;
        frames = ((frames % (24 * perHour)) + (24 * perHour)) % (24 * perHour);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{frames / perHour:D2}:{frames / (60L * timecodeBase) % 60:D2}:{frames / timecodeBase % 60:D2}:{frames % timecodeBase:D2}");
    }

    /// <summary>Frames since 00:00:00:00 of <c>HH:MM:SS:FF</c> (or <c>;FF</c>, counted as non-drop-frame).</summary>
    /// <exception cref="FormatException">Not a timecode.</exception>
    public static long ToFrames(string timecode, int timecodeBase)
    {
        var parts = timecode.Split(':', ';', '.');
        if (parts.Length != 4 || !parts.All(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"'{timecode}' is not a timecode HH:MM:SS:FF.");
        }

        var v = parts.Select(part => long.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        return (((((v[0] * 60) + v[1]) * 60) + v[2]) * timecodeBase) + v[3];
    }

    /// <summary>
    /// The container's start timecode (a QuickTime/MP4 <c>tmcd</c> track, MXF or the format's tags), read with
    /// <c>ffprobe</c> when it is installed; null when there is none or ffprobe is missing.
    /// </summary>
    public static string? ProbeStart(string path)
    {
        try
        {
            var start = new ProcessStartInfo("ffprobe")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "-v", "error", "-show_entries", "format_tags=timecode:stream_tags=timecode", "-of", "default=nw=1:nk=1", path })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return null;
            }

            return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(line => line.Count(c => c is ':' or ';') == 3);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
