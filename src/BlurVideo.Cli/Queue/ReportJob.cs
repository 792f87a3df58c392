using System.Diagnostics;
using BlurVideo.Cli.Commands;
using BlurVideo.Cli.Report;

namespace BlurVideo.Cli.Queue;

/// <summary>How a job's run ended.</summary>
internal enum JobOutcome
{
    /// <summary>This run made the output.</summary>
    Done,

    /// <summary>The output of this job was already in place (a duplicate delivery); nothing was redone.</summary>
    AlreadyDone,

    Failed,
}

/// <summary>
/// Runs one queue job: the same report as <c>blurvideo report &lt;file&gt; -o DIR/&lt;video name&gt;</c>
/// (<see cref="ReportRunner"/>), written into a hidden temporary folder beside the target and renamed into place only
/// when complete, with <c>job.json</c> (the result) inside as the mark of a finished job.
/// </summary>
internal static class ReportJob
{
    private const string PartialSuffix = ".partial";
    private static int _runs;

    /// <summary>Runs <paramref name="job"/> unless its output is already in place.</summary>
    /// <param name="job">The job.</param>
    /// <param name="attempt">Which run this is (1 for the first).</param>
    /// <param name="worker">The worker's name for the result.</param>
    /// <param name="cancellationToken">Stops the run; its temporary folder is removed and nothing is in place.</param>
    /// <returns>The outcome and the result (with the reason for a failed run).</returns>
    public static async Task<(JobOutcome Outcome, JobResult Result)> RunAsync(
        QueueJob job, int attempt, string worker, CancellationToken cancellationToken)
    {
        if (JobResult.ReadDone(job.OutputDirectory, job.JobId) is { } done)
        {
            return (JobOutcome.AlreadyDone, done);
        }

        var started = DateTime.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var parent = Path.GetDirectoryName(job.OutputDirectory)!;
        var name = Path.GetFileName(job.OutputDirectory);
        var temporary = Path.Combine(parent, $".{name}.{job.JobId}.{Environment.ProcessId}-{Interlocked.Increment(ref _runs)}{PartialSuffix}");
        try
        {
            if (!ReportRunner.IsStreamUrl(job.Input) && !File.Exists(job.Input))
            {
                return (JobOutcome.Failed, Failure(job, attempt, worker, $"Input '{job.Input}' not found."));
            }

            Directory.CreateDirectory(temporary);
            var reports = await ReportRunner.RunAsync(job.ToSettings(temporary), TextWriter.Null, interactive: false, cancellationToken).ConfigureAwait(false);
            var report = reports[0];
            if (report.Error is not null)
            {
                return (JobOutcome.Failed, Failure(job, attempt, worker, report.Error));
            }

            var result = new JobResult
            {
                JobId = job.JobId,
                Status = "done",
                Input = job.Input,
                OutputDirectory = job.OutputDirectory,
                Outputs = [.. Directory.EnumerateFiles(temporary, "*", SearchOption.AllDirectories)
                    .Select(path => Path.GetRelativePath(temporary, path).Replace('\\', '/')).Append(JobResult.FileName).Order(StringComparer.Ordinal)],
                Frames = report.Frames,
                DurationSeconds = report.DurationSeconds,
                Segments = new SegmentsSummary(report.Segments.Count, report.Segments.Sum(s => s.DurationSeconds),
                    [.. report.Segments.Select(s => new[] { s.StartSeconds, s.EndSeconds })]),
                QueuedSeconds = Math.Max(0, (started - job.SubmittedUtc).TotalSeconds),
                RunSeconds = stopwatch.Elapsed.TotalSeconds,
                Attempt = attempt,
                Worker = worker,
                FinishedUtc = DateTime.UtcNow,
            };
            await File.WriteAllBytesAsync(Path.Combine(temporary, JobResult.FileName), result.ToBytes(), cancellationToken).ConfigureAwait(false);
            return MoveIntoPlace(job, temporary) is { } already ? (JobOutcome.AlreadyDone, already) : (JobOutcome.Done, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another run of the same job may have finished meanwhile (and removed this run's folder).
            if (JobResult.ReadDone(job.OutputDirectory, job.JobId) is { } other)
            {
                return (JobOutcome.AlreadyDone, other);
            }

            var reason = CliFailures.IsExpected(ex) ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            return (JobOutcome.Failed, Failure(job, attempt, worker, reason));
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>
    /// Renames the finished temporary folder to the job's output folder, replacing an older job's output. Returns the
    /// result already in place when another run of this job got there first.
    /// </summary>
    private static JobResult? MoveIntoPlace(QueueJob job, string temporary)
    {
        var target = job.OutputDirectory;
        string? replaced = null;
        if (Directory.Exists(target))
        {
            if (JobResult.ReadDone(target, job.JobId) is { } done)
            {
                return done;
            }

            replaced = $"{temporary}.replaced";
            Directory.Move(target, replaced);
        }

        try
        {
            Directory.Move(temporary, target);
        }
        catch (IOException) when (JobResult.ReadDone(target, job.JobId) is { } done)
        {
            return done;
        }

        if (replaced is not null)
        {
            TryDelete(replaced);
        }

        // Folders left by runs of this job that were killed.
        var parent = Path.GetDirectoryName(target)!;
        foreach (var stale in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.{job.JobId}.*{PartialSuffix}"))
        {
            TryDelete(stale);
        }

        return null;
    }

    private static JobResult Failure(QueueJob job, int attempt, string worker, string reason) => new()
    {
        JobId = job.JobId,
        Status = "failed",
        Input = job.Input,
        OutputDirectory = job.OutputDirectory,
        Attempt = attempt,
        Worker = worker,
        FinishedUtc = DateTime.UtcNow,
        Error = reason,
    };

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind; the next finished run of the job removes it.
        }
    }
}
