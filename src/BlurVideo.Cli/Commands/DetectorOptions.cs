using System.CommandLine;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Commands;

/// <summary>Detector options shared by the commands that run the network.</summary>
internal static class DetectorOptions
{
    /// <summary><c>--model</c>: a shipped model's name or an .onnx path; defaults to <paramref name="defaultModel"/>.</summary>
    public static Option<string> Model(string defaultModel = ModelCatalog.DefaultModelName) => new("--model")
    {
        Description = $"A shipped model name (default {defaultModel}) or the path of an .onnx file with its .json card.",
        HelpName = "M",
        DefaultValueFactory = _ => defaultModel,
    };

    /// <summary>
    /// <c>--input-size</c>. Photos default to <see cref="InputSizePolicy.Native"/> (blur is measured in pixels, and a
    /// photo shrunk to the card's size loses its mild blur); video to <see cref="InputSizePolicy.ModelCard"/> (the
    /// real-time cost the card was made for).
    /// </summary>
    public static Option<InputSizePolicy> InputSize(InputSizePolicy defaultPolicy) => new("--input-size")
    {
        Description = "The size the network runs at: Native (the frame's own size, rounded to multiples of 32, "
            + "at most 1280x960 pixels), ModelCard (the card's input_size) or KeepAspectRatio (the card's pixel count "
            + $"in the frame's shape). Default {defaultPolicy}.",
        DefaultValueFactory = _ => defaultPolicy,
    };

    /// <summary>
    /// <c>--provider auto|cpu|cuda</c>. Auto falls back to the CPU when CUDA cannot be used (the reason is logged and
    /// recorded); an explicit cuda is a requirement: the command fails with the reason instead of running elsewhere.
    /// </summary>
    public static Option<ExecutionProvider> Provider() => new("--provider")
    {
        Description = "Where to run the network: auto (CUDA when usable, else the CPU), cpu, or cuda (fail if CUDA cannot be used).",
        HelpName = "auto|cpu|cuda",
        DefaultValueFactory = _ => ExecutionProvider.Auto,
    };

    /// <summary><c>--device N</c>: the CUDA device ordinal.</summary>
    public static Option<int> Device()
    {
        var option = new Option<int>("--device")
        {
            Description = "The CUDA device (ordinal) for cuda and auto. Default 0.",
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--device must be 0 or more.");
            }
        });
        return option;
    }

    /// <summary>The detector settings for the parsed options: an explicit CUDA request requires the GPU.</summary>
    public static BlurDetectorOptions Create(string model, InputSizePolicy inputSize, ExecutionProvider provider, int device) => new()
    {
        Model = model,
        InputSize = inputSize,
        Provider = provider,
        CudaDeviceId = device,
        RequireGpu = provider == ExecutionProvider.Cuda,
    };

    /// <summary>Says on <paramref name="output"/> that auto ran on the CPU, and why (nothing when there was no fallback).</summary>
    public static void ReportFallback(BlurDetector detector, TextWriter output)
    {
        if (detector.ProviderFallbackReason is { } reason)
        {
            output.WriteLine($"Running on the CPU: {reason}");
        }
    }
}
