using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlurVideo.Imaging;
using BlurVideo.Focus;
using BlurVideo.Inference;
using Spectre.Console;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// <c>blurvideo detect &lt;image|folder&gt; -o DIR [--model M] [--overlay]</c>: for every image writes
/// <c>&lt;name&gt;.png</c> (its blur map, 8-bit, 255 = blurred, at the image's size), optionally
/// <c>overlays/&lt;name&gt;.jpg</c> (a heatmap over the photo: in focus blue, blurred red), and <c>summary.json</c>
/// with each image's focus figures. An image that cannot be read is reported and skipped; the exit code is then
/// non-zero.
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input")
        {
            Description = "An image file, or a folder whose images are all processed.",
        };
        var outputDirectory = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Folder for the maps, the overlays and summary.json (created if needed).",
            HelpName = "DIR",
            Required = true,
        };
        var model = DetectorOptions.Model(ModelCatalog.MostAccurateModelName);
        var overlay = new Option<bool>("--overlay")
        {
            Description = "Also write overlays/<name>.jpg: the blur map as a heatmap over the photo (in focus blue, blurred red).",
        };
        var provider = DetectorOptions.Provider();
        var device = DetectorOptions.Device();
        var inputSize = DetectorOptions.InputSize(InputSizePolicy.Native);

        var command = new Command(
            "detect",
            "Write the blur map of each image (8-bit PNG at the image's size, 255 = blurred) and a JSON summary of its focus figures.")
        {
            input, outputDirectory, model, overlay, provider, device, inputSize,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var request = new DetectRequest(
                parseResult.GetRequiredValue(input),
                parseResult.GetRequiredValue(outputDirectory).FullName,
                parseResult.GetValue(overlay),
                DetectorOptions.Create(
                    parseResult.GetRequiredValue(model), parseResult.GetValue(inputSize), parseResult.GetValue(provider), parseResult.GetValue(device)));
            return Task.FromResult(Run(request, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        });
        return command;
    }

    private static int Run(DetectRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string[] images;
        Dictionary<string, string> names;
        try
        {
            images = ListImages(request.Input);
            names = OutputNames(images);
            OutputGuard.Check([request.Input, .. images, .. File.Exists(request.Detector.Model) ? [request.Detector.Model] : Array.Empty<string>()], Outputs(request, names));
            Directory.CreateDirectory(request.OutputDirectory);
            if (request.Overlay)
            {
                Directory.CreateDirectory(Path.Combine(request.OutputDirectory, "overlays"));
            }
        }
        catch (Exception exception) when (CliFailures.IsExpected(exception))
        {
            return CliFailures.Report(error, "detect", exception);
        }

        BlurDetector detector;
        try
        {
            detector = new BlurDetector(request.Detector);
        }
        catch (Exception exception) when (CliFailures.IsExpected(exception))
        {
            return CliFailures.Report(error, "detect", exception);
        }

        using (detector)
        using (var job = new DetectJob(detector, request, names))
        {
            DetectorOptions.ReportFallback(detector, output);
            output.WriteLine($"Model {detector.Model.Name} on {detector.ActiveProvider}; {images.Length} image(s) -> {request.OutputDirectory}");
            var interactive = images.Length > 1 && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
                              && AnsiConsole.Profile.Capabilities.Interactive;
            if (interactive)
            {
                AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask("detect", maxValue: images.Length);
                        foreach (var image in images.TakeWhile(_ => !cancellationToken.IsCancellationRequested))
                        {
                            task.Description = Markup.Escape(Path.GetFileName(image));
                            job.Process(image);
                            task.Increment(1);
                        }
                    });
            }
            else
            {
                foreach (var image in images.TakeWhile(_ => !cancellationToken.IsCancellationRequested))
                {
                    var outcome = job.Process(image);
                    output.WriteLine(outcome);
                }
            }

            // Ctrl+C (or TERM, HUP) stops between images; the summary lists what was done.
            var interrupted = cancellationToken.IsCancellationRequested;
            var summary = Path.Combine(request.OutputDirectory, "summary.json");
            job.WriteSummary(summary, images.Length, interrupted);
            foreach (var failure in job.Failures)
            {
                error.WriteLine($"blurvideo detect: skipped {failure.Path}: {failure.Message}");
            }

            output.WriteLine($"{job.Processed} of {images.Length} image(s) processed; summary: {summary}");
            if (interrupted)
            {
                error.WriteLine($"blurvideo detect: interrupted after {job.Processed + job.Failures.Count} of {images.Length} image(s); their maps and the summary are written.");
                return ExitCodes.Interrupted;
            }

            return job.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    /// <exception cref="FileNotFoundException">The input does not exist.</exception>
    /// <exception cref="IOException">The folder holds no images.</exception>
    private static string[] ListImages(string input)
    {
        if (File.Exists(input))
        {
            return [Path.GetFullPath(input)];
        }

        if (!Directory.Exists(input))
        {
            throw new FileNotFoundException($"Input '{input}' not found: give an image file or a folder of images.", input);
        }

        var images = ImageFile.List(input);
        return images.Length > 0
            ? images
            : throw new IOException($"Folder '{Path.GetFullPath(input)}' holds no images ({string.Join(", ", ImageFile.Extensions)}).");
    }

    /// <summary>
    /// The output name (without extension) of each image: its name without extension, or its whole file name where
    /// two images share one (<c>x.png</c> and <c>x.jpg</c> give <c>x.png.png</c> and <c>x.jpg.png</c>).
    /// </summary>
    private static Dictionary<string, string> OutputNames(string[] images)
    {
        var shared = images.GroupBy(Path.GetFileNameWithoutExtension, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key)
            .ToHashSet(StringComparer.Ordinal);
        return images.ToDictionary(
            image => image,
            image => shared.Contains(Path.GetFileNameWithoutExtension(image)) ? Path.GetFileName(image) : Path.GetFileNameWithoutExtension(image),
            StringComparer.Ordinal);
    }

    private static IEnumerable<(string Option, string Path)> Outputs(DetectRequest request, Dictionary<string, string> names)
    {
        yield return ("-o", request.OutputDirectory);
        yield return ("summary", Path.Combine(request.OutputDirectory, "summary.json"));
        foreach (var (image, name) in names)
        {
            yield return ("the map", Path.Combine(request.OutputDirectory, name + ".png"));
            if (request.Overlay)
            {
                yield return ("the overlay", Path.Combine(request.OutputDirectory, "overlays", name + ".jpg"));
            }
        }
    }

    /// <summary>Writes a file under a temporary name in its folder, then renames it: a stop never leaves a torn file.</summary>
    private static void WriteThenRename(string path, Action<string> write)
    {
        var partial = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileNameWithoutExtension(path) + ".partial" + Path.GetExtension(path));
        try
        {
            write(partial);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private sealed record DetectRequest(string Input, string OutputDirectory, bool Overlay, BlurDetectorOptions Detector);

    private sealed record Failure(string Path, string Message);

    /// <summary>The per-image work, with buffers reused across images.</summary>
    private sealed class DetectJob(BlurDetector detector, DetectRequest request, Dictionary<string, string> names) : IDisposable
    {
        private readonly FocusAnalyzer _analyzer = new();
        private readonly OverlayRenderer? _overlay = request.Overlay ? new OverlayRenderer() : null;
        private readonly List<ImageSummary> _summaries = [];
        private byte[] _pixels = [];
        private float[] _resized = [];

        public List<Failure> Failures { get; } = [];

        public int Processed => _summaries.Count;

        /// <summary>Processes one image; returns a one-line report. Unreadable images are recorded as failures.</summary>
        public string Process(string imagePath)
        {
            var name = names[imagePath];
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var image = ImageFile.Decode(imagePath, ImageColorMode.Bgr8);
                var (width, height, stride) = (image.Width, image.Height, image.PackedStride);
                EnsureLength(ref _pixels, stride * height);
                image.CopyTo(_pixels);

                using var map = detector.Detect(_pixels, width, height, stride);
                var figures = _analyzer.Measure(map);
                EnsureLength(ref _resized, width * height);
                map.ResizeTo(_resized, width, height);
                var mapPath = Path.Combine(request.OutputDirectory, name + ".png");
                WriteThenRename(mapPath, path => ImageFile.WriteMap(path, _resized, width, height));

                string? overlayPath = null;
                if (_overlay is not null)
                {
                    _overlay.RenderHeatmap(_pixels, width, height, stride, map.Values, map.Width, map.Height);
                    overlayPath = Path.Combine(request.OutputDirectory, "overlays", name + ".jpg");
                    WriteThenRename(overlayPath, path => ImageFile.WriteBgr(path, _pixels, width, height, stride));
                }

                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                _summaries.Add(new ImageSummary(imagePath, mapPath, overlayPath, width, height, figures, seconds));
                return string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(imagePath)}: {width}x{height}, blurred {figures.BlurredFraction:P0}, centre sharpness {figures.RegionOfInterestSharpness:F2}, {seconds * 1000:F0} ms");
            }
            catch (Exception exception) when (CliFailures.IsExpected(exception))
            {
                Failures.Add(new Failure(imagePath, exception.Message));
                return $"{Path.GetFileName(imagePath)}: skipped ({exception.Message})";
            }
        }

        public void WriteSummary(string path, int images, bool interrupted) =>
            WriteThenRename(path, partial =>
            {
                using var stream = File.Create(partial);
                WriteSummary(stream, images, interrupted);
            });

        private void WriteSummary(Stream stream, int images, bool interrupted)
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteNumber("images_found", images);
            json.WriteBoolean("interrupted", interrupted);
            json.WriteString("model", detector.Model.Name);
            json.WriteString("model_path", detector.Model.ModelPath);
            json.WriteString("provider", detector.ActiveProvider.ToString());
            json.WriteString("map_polarity", "255 = blurred");
            json.WriteString("region_of_interest", string.Create(CultureInfo.InvariantCulture,
                $"x {_analyzer.RegionOfInterest.X}, y {_analyzer.RegionOfInterest.Y}, width {_analyzer.RegionOfInterest.Width}, height {_analyzer.RegionOfInterest.Height} (relative)"));
            json.WriteStartArray("images");
            foreach (var summary in _summaries)
            {
                summary.Write(json);
            }

            json.WriteEndArray();
            json.WriteStartArray("failures");
            foreach (var failure in Failures)
            {
                json.WriteStartObject();
                json.WriteString("file", failure.Path);
                json.WriteString("error", failure.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        public void Dispose()
        {
            _analyzer.Dispose();
            _overlay?.Dispose();
        }

        private static void EnsureLength<T>(ref T[] buffer, int length)
        {
            if (buffer.Length < length)
            {
                buffer = new T[length];
            }
        }
    }

    /// <summary>One image's line of summary.json; the region is given in the image's pixels.</summary>
    private sealed record ImageSummary(
        string ImagePath, string MapPath, string? OverlayPath, int Width, int Height, FocusFigures Figures, double Seconds)
    {
        public void Write(Utf8JsonWriter json)
        {
            var region = Figures.LargestInFocusRegion;
            var scaleX = (double)Width / Figures.MapWidth;
            var scaleY = (double)Height / Figures.MapHeight;
            json.WriteStartObject();
            json.WriteString("file", ImagePath);
            json.WriteString("map", MapPath);
            if (OverlayPath is not null)
            {
                json.WriteString("overlay", OverlayPath);
            }

            json.WriteNumber("width", Width);
            json.WriteNumber("height", Height);
            json.WriteNumber("blurred_fraction", Math.Round(Figures.BlurredFraction, 4));
            json.WriteNumber("roi_sharpness", Math.Round(Figures.RegionOfInterestSharpness, 4));
            json.WriteStartObject("largest_in_focus_region");
            json.WriteBoolean("found", region.Found);
            if (region.Found)
            {
                json.WriteNumber("x", (int)Math.Floor(region.X * scaleX));
                json.WriteNumber("y", (int)Math.Floor(region.Y * scaleY));
                json.WriteNumber("width", (int)Math.Ceiling(region.Width * scaleX));
                json.WriteNumber("height", (int)Math.Ceiling(region.Height * scaleY));
                json.WriteNumber("centroid_x", Math.Round(Figures.RelativeCentroid.X * Width, 1));
                json.WriteNumber("centroid_y", Math.Round(Figures.RelativeCentroid.Y * Height, 1));
                json.WriteNumber("area_fraction", Math.Round((double)region.Area / (Figures.MapWidth * Figures.MapHeight), 4));
                json.WriteNumber("in_focus_regions", region.RegionCount);
            }

            json.WriteEndObject();
            json.WriteNumber("seconds", Math.Round(Seconds, 4));
            json.WriteEndObject();
        }
    }
}
