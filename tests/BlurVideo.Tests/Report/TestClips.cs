using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace BlurVideo.Tests.Report;

/// <summary>Video clips the report tests make with Debian's ffmpeg (installed by setup).</summary>
internal static class TestClips
{
    /// <summary>A real photo at 320×240, H.264, Gaussian-blurred (σ 6) from <paramref name="blurFrom"/> to <paramref name="blurTo"/> seconds.</summary>
    public static string Blurred(string path, double seconds, double framesPerSecond, double blurFrom, double blurTo, string? timecode = null)
    {
        var photo = Path.Combine(TestPaths.RequireSharedData(Path.Combine("sharp", "Kodak24")), "kodim01.png");
        var inv = CultureInfo.InvariantCulture;
        List<string> arguments =
        [
            // The input's rate, so that the filter's times are the output frames' times.
            "-framerate", framesPerSecond.ToString(inv), "-loop", "1", "-i", photo, "-t", seconds.ToString(inv),
            "-vf", string.Create(inv, $"scale=320:240,gblur=sigma=6:enable='gte(t,{blurFrom})*lt(t,{blurTo})'"),
            "-c:v", "libx264", "-pix_fmt", "yuv420p",
        ];
        if (timecode is not null)
        {
            arguments.AddRange(["-timecode", timecode]);
        }

        Ffmpeg([.. arguments, path], stdin: null);
        return path;
    }

    /// <summary>The measurement assembly's synthetic <c>still</c> clip (nothing moves, focus held), 320×240 at 25 fps.</summary>
    public static string SyntheticStill(string path, int frames)
    {
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { PullFocus = false, MoveBall = false });
        var bgr = new byte[scene.Width * scene.Height * 3];
        using var raw = new MemoryStream();
        for (var i = 0; i < frames; i++)
        {
            scene.Render(i, bgr, scene.Width * 3);
            raw.Write(bgr);
        }

        Ffmpeg(
            ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{scene.Width}x{scene.Height}", "-r", "25", "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", path],
            raw.ToArray());
        return path;
    }

    /// <summary>Runs <c>ffprobe</c> and returns its standard output.</summary>
    public static string Ffprobe(params string[] arguments) => Run("ffprobe", ["-v", "error", .. arguments], null);

    /// <summary>Runs <c>ffmpeg</c> (overwriting, errors only) with <paramref name="arguments"/>; fails the test if it fails.</summary>
    public static void Ffmpeg(params string[] arguments) => Ffmpeg(arguments, stdin: null);

    private static void Ffmpeg(IEnumerable<string> arguments, byte[]? stdin) => Run("ffmpeg", ["-y", "-v", "error", .. arguments], stdin);

    private static string Run(string program, IEnumerable<string> arguments, byte[]? stdin)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"{program} took more than 2 minutes.");
        }

        Assert.That(process.ExitCode, Is.Zero, $"{program} failed: {error.Result}");
        return output.Result;
    }
}
