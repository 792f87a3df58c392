using System.Text.Json;
using BlurVideo.Cli.Commands;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using Spectre.Console;

namespace BlurVideo.Cli.Report;

/// <summary>
/// Runs <c>blurvideo report</c>: analyses every input file that has no up-to-date analysis in the output folder
/// (a failure is recorded for its file and the run goes on), then writes <c>segments.json</c>, <c>segments.csv</c>, an
/// EDL per file and <c>report.html</c> over all of them.
/// </summary>
internal static class ReportRunner
{
    /// <summary>The extensions of the files a folder input reports on.</summary>
    public static IReadOnlyList<string> VideoExtensions { get; } =
        [".avi", ".flv", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpeg", ".mpg", ".mts", ".mxf", ".ts", ".webm", ".wmv"];

    private static readonly JsonSerializerOptions CacheJson = new();

    /// <summary>Runs the report; returns the files' reports in input order.</summary>
    /// <exception cref="VideoJobException">The input is missing, or a folder holds no video.</exception>
    /// <exception cref="ModelNotFoundException">Unknown model (no file can be analysed).</exception>
    public static async Task<IReadOnlyList<FileReport>> RunAsync(
        ReportSettings settings, TextWriter output, bool interactive, CancellationToken cancellationToken)
    {
        var inputs = ListInputs(settings.Input);
        var filesDirectory = Path.Combine(settings.OutputDirectory, "files");
        try
        {
            Directory.CreateDirectory(filesDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VideoJobException($"Cannot write the report folder '{settings.OutputDirectory}': {ex.Message}", ex);
        }

        BlurDetector? detector = null;
        var reports = new List<FileReport>(inputs.Count);
        try
        {
            if (interactive)
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var overall = context.AddTask($"{inputs.Count} files", maxValue: inputs.Count);
                        for (var i = 0; i < inputs.Count; i++)
                        {
                            var name = InputName(inputs[i]);
                            overall.Description = $"[{i + 1}/{inputs.Count}] {Markup.Escape(name)}";
                            var done = i;
                            reports.Add(await ReportFileAsync(inputs[i], filesDirectory, settings, () => detector ??= CreateDetector(settings, output),
                                (frames, total) => overall.Value = done + (total is > 0 ? Math.Min(1.0, frames / (double)total.Value) : 0), cancellationToken).ConfigureAwait(false));
                            overall.Value = i + 1;
                        }
                    })
                    .ConfigureAwait(false);
            }
            else
            {
                for (var i = 0; i < inputs.Count; i++)
                {
                    var prefix = $"[{i + 1}/{inputs.Count}] {InputName(inputs[i])}";
                    var progress = new ProgressReport((frames, _) => output.WriteLine($"{prefix}: {frames} frames"));
                    var report = await ReportFileAsync(inputs[i], filesDirectory, settings, () => detector ??= CreateDetector(settings, output),
                        (frames, _) => progress.Frame(frames, 0), cancellationToken).ConfigureAwait(false);
                    output.WriteLine(report.Error is not null ? $"{prefix}: failed" : report.UpToDate ? $"{prefix}: up to date" : $"{prefix}: {report.Segments.Count} segment(s)");
                    reports.Add(report);
                }
            }
        }
        finally
        {
            detector?.Dispose();
        }

        WriteOutputs(settings, reports);
        return reports;
    }

    /// <summary>The video files of the input: the file itself, or a folder's videos (not its subfolders) by name.</summary>
    /// <exception cref="VideoJobException">Neither a file nor a folder with videos.</exception>
    public static IReadOnlyList<string> ListInputs(string input)
    {
        if (IsStreamUrl(input))
        {
            return [input];
        }

        if (File.Exists(input))
        {
            return [Path.GetFullPath(input)];
        }

        if (!Directory.Exists(input))
        {
            throw new VideoJobException($"Input '{input}' not found.");
        }

        var videos = Directory.EnumerateFiles(input)
            .Where(path => VideoExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return videos.Length > 0
            ? videos
            : throw new VideoJobException($"The folder '{input}' holds no video ({string.Join(", ", VideoExtensions)}).");
    }

    /// <summary>Whether <paramref name="input"/> is a URL FFmpeg reads (http, https, rtsp, rtsps), which is taken as one video.</summary>
    public static bool IsStreamUrl(string input) =>
        Uri.TryCreate(input, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "rtsp" or "rtsps" && uri.Host.Length > 0;

    /// <summary>
    /// The name an input's outputs go by: a file's name; for a URL its path's last segment (without the query), or its
    /// host when the path is empty, with characters a file name cannot hold replaced by '_'.
    /// </summary>
    public static string InputName(string input)
    {
        if (!IsStreamUrl(input))
        {
            return Path.GetFileName(input);
        }

        var uri = new Uri(input);
        var segment = Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        var name = segment.Length > 0 ? segment : uri.Host;
        var invalid = Path.GetInvalidFileNameChars();
        return name is "." or ".." ? uri.Host : string.Concat(name.Select(c => Array.IndexOf(invalid, c) >= 0 ? '_' : c));
    }

    private static BlurDetector CreateDetector(ReportSettings settings, TextWriter output)
    {
        var detector = new BlurDetector(DetectorOptions.Create(settings.Model, settings.InputSize, settings.Provider, settings.Device));
        DetectorOptions.ReportFallback(detector, output);
        return detector;
    }

    private static async Task<FileReport> ReportFileAsync(
        string path, string filesDirectory, ReportSettings settings, Func<BlurDetector> detector, Action<long, long?> progress,
        CancellationToken cancellationToken)
    {
        var name = InputName(path);
        var directory = Path.Combine(filesDirectory, name);
        var cachePath = Path.Combine(directory, "analysis.json");
        if (ReadUpToDate(cachePath, path, settings) is { } cached)
        {
            return cached with { UpToDate = true };
        }

        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            var report = await FileAnalysis.RunAsync(
                path, name, settings, detector(), directory, $"files/{Uri.EscapeDataString(name)}/", progress, cancellationToken).ConfigureAwait(false);
            File.WriteAllText(cachePath, JsonSerializer.Serialize(report, CacheJson));
            return report;
        }
        catch (Exception ex) when (CliFailures.IsExpected(ex))
        {
            return new FileReport { File = name, Path = path, Error = ex.Message };
        }
    }

    /// <summary>The stored analysis of the file, if it was made of this version of the file with these settings.</summary>
    private static FileReport? ReadUpToDate(string cachePath, string path, ReportSettings settings)
    {
        try
        {
            if (!File.Exists(cachePath))
            {
                return null;
            }

            var cached = JsonSerializer.Deserialize<FileReport>(File.ReadAllText(cachePath), CacheJson);
            var source = new FileInfo(path);
            return cached is { Error: null } && cached.AnalysisKey == settings.AnalysisKey && cached.SourceLength == source.Length
                   && cached.SourceModifiedUtc == source.LastWriteTimeUtc
                ? cached
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            return null;
        }
    }

    private static void WriteOutputs(ReportSettings settings, IReadOnlyList<FileReport> reports)
    {
        var directory = settings.OutputDirectory;
        try
        {
            ReportWriters.WriteJson(Path.Combine(directory, "segments.json"), reports);
            ReportWriters.WriteCsv(Path.Combine(directory, "segments.csv"), reports);
            foreach (var report in reports.Where(report => report.Error is null))
            {
                ReportWriters.WriteEdl(Path.Combine(directory, Path.GetFileNameWithoutExtension(report.File) + ".edl"), report);
            }

            HtmlReport.Write(Path.Combine(directory, "report.html"), reports, settings);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VideoJobException($"Cannot write the report into '{directory}': {ex.Message}", ex);
        }
    }
}
