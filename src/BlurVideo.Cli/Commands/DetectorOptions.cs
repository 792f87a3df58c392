using System.CommandLine;
using BlurVideo.Inference;

namespace BlurVideo.Cli.Commands;

/// <summary>Detector options shared by the commands that run the network.</summary>
internal static class DetectorOptions
{
    /// <summary><c>--model</c>: a shipped model's name or an .onnx path; defaults to the shipped default model.</summary>
    public static Option<string> Model() => new("--model")
    {
        Description = $"A shipped model name (default {ModelCatalog.DefaultModelName}) or the path of an .onnx file with its .json card.",
        HelpName = "M",
        DefaultValueFactory = _ => ModelCatalog.DefaultModelName,
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
}
