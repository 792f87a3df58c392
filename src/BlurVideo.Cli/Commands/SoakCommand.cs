using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BlurVideo.Inference;
using BlurVideo.Measurement;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo soak</c>: runs the endless synthetic focus pull through the live pipeline (smoothing on) until a number
/// of results, and checks that nothing grows: resident memory after the warm-up, open file descriptors, threads, and
/// the frames and maps still rented at the end. A long-run check, not a unit test.
/// </summary>
internal static class SoakCommand
{
    /// <summary>The allowed growth of resident memory after the warm-up (issue 16).</summary>
    private const long MaxResidentGrowthBytes = 10L * 1024 * 1024;

    /// <summary>Frames the source may deliver before the first result.</summary>
    private const int AheadOfResults = 4;

    public static Command Create()
    {
        var frames = new Option<long>("--frames")
        {
            Description = "Results to run through the pipeline (default 100000).",
            HelpName = "N",
            DefaultValueFactory = _ => 100_000,
        };
        var warmUp = new Option<long>("--warm-up")
        {
            Description = "Results before the baseline is taken (default 5000).",
            HelpName = "N",
            DefaultValueFactory = _ => 5_000,
        };
        var size = new Option<string>("--size")
        {
            Description = "Frame size WxH of the synthetic scene (default 64x48: small, so that 100000 frames finish in reasonable time).",
            HelpName = "WxH",
            DefaultValueFactory = _ => "64x48",
        };
        var every = new Option<long>("--report-every")
        {
            Description = "Print the figures every N results (default 10000).",
            HelpName = "N",
            DefaultValueFactory = _ => 10_000,
        };
        var model = DetectorOptions.Model();
        var inputSize = DetectorOptions.InputSize(InputSizePolicy.Native);
        var command = new Command("soak", "Run the synthetic scene through the live pipeline for many frames and check that memory, handles and threads stay flat.")
        {
            frames, warmUp, size, every, model, inputSize,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var sizeText = parseResult.GetRequiredValue(size);
            var parts = sizeText.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var width) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var height)
                || width < 16 || height < 16)
            {
                await error.WriteLineAsync($"blurvideo soak: --size takes WxH with sides of at least 16, not '{sizeText}'.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            var total = parseResult.GetValue(frames);
            var warm = parseResult.GetValue(warmUp);
            if (total <= warm || warm < 1)
            {
                await error.WriteLineAsync("blurvideo soak: --frames must be larger than --warm-up, which must be positive.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            try
            {
                var detectorOptions = DetectorOptions.Create(parseResult.GetRequiredValue(model), parseResult.GetValue(inputSize), ExecutionProvider.Cpu, 0);
                return await RunAsync(detectorOptions, width, height, total, warm, Math.Max(1, parseResult.GetValue(every)), output, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("blurvideo soak: interrupted.").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            catch (Exception ex) when (CliFailures.IsExpected(ex))
            {
                return CliFailures.Report(error, "soak", ex);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        BlurDetectorOptions detectorOptions, int width, int height, long total, long warmUp, long every, TextWriter output, CancellationToken cancellationToken)
    {
        using var detector = new BlurDetector(detectorOptions);
        var (mapWidth, mapHeight) = detector.GetInputSize(width, height);
        var synthetic = new SyntheticFocusPullSource(new SyntheticSceneOptions { Width = width, Height = height }, frameCount: null);
        using var source = new LiveSource(synthetic, AheadOfResults);
        await using var pipeline = new BlurPipeline(source, detector, new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Default });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak: {total} results of the synthetic focus pull at {width}x{height} through the live pipeline, smoothing on, {detector.Model.Name} at {mapWidth}x{mapHeight} on the CPU; baseline after {warmUp}."));
        output.WriteLine("results  resident_MB  managed_MB  fds  threads  dropped  fps");

        var started = Stopwatch.GetTimestamp();
        Sample? baseline = null;
        var peak = default(Sample);
        long results = 0;
        await foreach (var result in pipeline.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Dispose();
            source.ResultTaken();
            results++;
            if (results == warmUp)
            {
                baseline = Sample.Take();
                peak = baseline.Value;
                Print(output, results, baseline.Value, pipeline, started);
            }
            else if (results > warmUp && (results % every == 0 || results == total))
            {
                var sample = Sample.Take();
                peak = Sample.Max(peak, sample);
                Print(output, results, sample, pipeline, started);
            }

            if (results == total)
            {
                break;
            }
        }

        var end = Sample.Take();
        var framesHeld = synthetic.Pool.Outstanding;
        var mapsHeld = pipeline.OutstandingMaps;
        var start = baseline ?? end;
        var growth = peak.ResidentBytes - start.ResidentBytes;
        var passed = growth < MaxResidentGrowthBytes && end.FileDescriptors <= start.FileDescriptors && end.Threads <= start.Threads
                     && framesHeld == 0 && mapsHeld == 0 && results == total;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Resident memory after warm-up: {start.ResidentBytes / 1048576.0:F1} MB, highest {peak.ResidentBytes / 1048576.0:F1} MB (+{growth / 1048576.0:F1} MB; limit +{MaxResidentGrowthBytes / 1048576} MB); "
            + $"file descriptors {start.FileDescriptors} -> {end.FileDescriptors}; threads {start.Threads} -> {end.Threads}; frames still rented {framesHeld}, maps {mapsHeld}."));
        output.WriteLine(passed ? "Soak passed." : "Soak FAILED.");
        return passed ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static void Print(TextWriter output, long results, Sample sample, BlurPipeline pipeline, long started)
    {
        var statistics = pipeline.Statistics.Snapshot();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results,7}  {sample.ResidentBytes / 1048576.0,11:F1}  {sample.ManagedBytes / 1048576.0,10:F1}  {sample.FileDescriptors,3}  {sample.Threads,7}  {statistics.DroppedTotal,7}  {results / Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0}"));
    }

    /// <summary>The process's resident memory, managed heap, open file descriptors and threads, from /proc/self.</summary>
    private readonly record struct Sample(long ResidentBytes, long ManagedBytes, int FileDescriptors, int Threads)
    {
        public static Sample Take()
        {
            long resident = 0;
            var threads = 0;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new Sample(resident, GC.GetTotalMemory(forceFullCollection: false), Directory.GetFileSystemEntries("/proc/self/fd").Length, threads);
        }

        public static Sample Max(Sample a, Sample b) => new(
            Math.Max(a.ResidentBytes, b.ResidentBytes), Math.Max(a.ManagedBytes, b.ManagedBytes),
            Math.Max(a.FileDescriptors, b.FileDescriptors), Math.Max(a.Threads, b.Threads));
    }

    /// <summary>
    /// The synthetic source presented as live (the pipeline applies its live policy: drop-oldest, budget), delivering two
    /// frames per result taken (after <paramref name="ahead"/> at the start, and at least one per 100 ms): a camera twice as
    /// fast as the pipeline, so that about one frame in two is dropped all along, without the capture task spending the
    /// machine on frames nobody sees.
    /// </summary>
    private sealed class LiveSource(SyntheticFocusPullSource inner, int ahead) : IFrameSource, IDisposable
    {
        private static readonly TimeSpan CreditTimeout = TimeSpan.FromMilliseconds(100);
        private readonly SemaphoreSlim _credits = new(ahead);

        public void ResultTaken() => _credits.Release(2);

        public void Dispose() => _credits.Dispose();

        public string Description => inner.Description + " (live)";

        public bool IsLive => true;

        public double FramesPerSecond => inner.FramesPerSecond;

        public long? FrameCount => null;

        public FrameSourceKind Kind => FrameSourceKind.Camera;

        public async ValueTask<VideoFrame?> ReadFrameAsync(CancellationToken cancellationToken)
        {
            // A camera does not wait for ever: when every frame in flight was dropped (over budget on a starved machine)
            // no result will return a credit, so a frame is delivered after 100 ms anyway. The wait blocks the capture
            // task's thread, as a camera driver's read does: WaitAsync with a timeout would allocate a timer per frame,
            // and the soak measures the pipeline's allocations, not its own.
            _credits.Wait(CreditTimeout, cancellationToken);
            return await inner.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        }

        public ValueTask ReopenAsync(CancellationToken cancellationToken) => inner.ReopenAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
