using System.Text.Json;
using BlurVideo.Inference;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Commands;

/// <summary>The statistics JSON of a run (<c>--stats-json</c>): provider, frame counts, drops, latency and stage times.</summary>
internal static class VideoJobStatistics
{
    public static void Write(
        VideoJobSettings settings, BlurDetector detector, bool live, PipelineStatisticsSnapshot statistics, VideoJobOutputs outputs, bool interrupted, long framesSkipped)
    {
        // Written under a temporary name and renamed: a stop never leaves a torn JSON.
        var path = settings.StatsJsonPath!;
        var partial = path + ".partial";
        VideoJob.CreateParentDirectory(path);
        using (var stream = File.Create(partial))
        {
            Write(stream, settings, detector, live, statistics, outputs, interrupted, framesSkipped);
        }

        File.Move(partial, path, overwrite: true);
    }

    private static void Write(
        Stream stream, VideoJobSettings settings, BlurDetector detector, bool live, PipelineStatisticsSnapshot statistics, VideoJobOutputs outputs,
        bool interrupted, long framesSkipped)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("input", settings.Input);
        json.WriteString("mode", live ? "live" : "file");
        json.WriteString("model", detector.Model.Name);
        json.WriteString("provider", detector.ActiveProvider.ToString().ToLowerInvariant());
        json.WriteString("provider_requested", settings.Provider.ToString().ToLowerInvariant());
        if (detector.ProviderFallbackReason is { } reason)
        {
            json.WriteString("provider_fallback_reason", reason);
        }
        else
        {
            json.WriteNull("provider_fallback_reason");
        }
        json.WriteString("input_size", settings.InputSize.ToString());
        json.WriteBoolean("smoothing", settings.Smoothing.Enabled);
        json.WriteNumber("smoothing_strength", settings.Smoothing.Enabled ? settings.Smoothing.Strength : 0);
        json.WriteBoolean("interrupted", interrupted);
        json.WriteNumber("frames_in", statistics.FramesIn);
        json.WriteNumber("frames_skipped", framesSkipped);
        json.WriteNumber("frames_processed", statistics.FramesProcessed);
        json.WriteNumber("frames_out", statistics.FramesOut);
        if (outputs.FramesWritten is { } written)
        {
            json.WriteNumber("frames_written", written);
        }
        else
        {
            json.WriteNull("frames_written");
            json.WriteString("video_error", outputs.VideoError);
        }

        json.WriteStartObject("dropped");
        json.WriteNumber("queue_full", statistics.Dropped.GetValueOrDefault(FrameDropReason.QueueFull));
        json.WriteNumber("over_budget", statistics.Dropped.GetValueOrDefault(FrameDropReason.OverBudget));
        json.WriteNumber("total", statistics.DroppedTotal);
        json.WriteEndObject();
        json.WriteNumber("stale", statistics.StaleResults);
        json.WriteNumber("reconnects", statistics.Reconnects);
        json.WriteNumber("elapsed_s", Math.Round(statistics.Elapsed.TotalSeconds, 3));
        json.WriteNumber("fps", Math.Round(statistics.FramesPerSecond, 2));
        json.WriteNumber("latency_budget_ms", (live ? LatencyPolicy.Live : LatencyPolicy.Lossless).Budget.TotalMilliseconds);
        WriteLatency(json, "latency_ms", statistics.Latency);
        json.WriteStartObject("stage_ms");
        foreach (var (stage, summary) in statistics.Stages.OrderBy(pair => pair.Key))
        {
            WriteLatency(json, stage.ToString().ToLowerInvariant(), summary);
        }

        json.WriteEndObject();
        json.WriteNumber("mean_blurred_fraction", Math.Round(outputs.MeanBlurredFraction, 5));
        json.WriteEndObject();
    }

    private static void WriteLatency(Utf8JsonWriter json, string name, LatencySummary summary)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", summary.Count);
        json.WriteNumber("mean", Math.Round(summary.MeanMs, 3));
        json.WriteNumber("p50", Math.Round(summary.P50Ms, 3));
        json.WriteNumber("p95", Math.Round(summary.P95Ms, 3));
        json.WriteNumber("p99", Math.Round(summary.P99Ms, 3));
        json.WriteNumber("max", Math.Round(summary.MaxMs, 3));
        json.WriteEndObject();
    }
}
