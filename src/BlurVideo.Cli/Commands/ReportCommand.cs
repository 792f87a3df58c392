using System.CommandLine;
using System.Globalization;
using BlurVideo.Cli.Report;
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
        var input = new Argument<string>("input") { Description = "A video file, a folder (every video in it), or an http(s)/rtsp(s) URL (read once, as a recording)." };
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "The report folder: segments.json, segments.csv, <file>.edl, report.html and files/ (thumbnails, per-file analyses).",
            Required = true,
        };
        var options = new ReportOptions();
        var command = new Command("report", "Find the out-of-focus segments of a video file or of every video in a folder; write JSON, CSV, EDL and an HTML report.")
        {
            input, output,
        };
        options.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = options.Read(parseResult, parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(output).FullName);
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
}
