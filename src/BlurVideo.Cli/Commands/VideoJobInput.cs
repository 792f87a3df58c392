using BlurVideo.Measurement;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// The input of <c>video</c> and <c>demo</c>: <c>synthetic</c> (the measurement scene) or what
/// <see cref="FrameSources.Classify"/> recognises; failures are <see cref="VideoJobException"/>s with one clear line.
/// </summary>
internal static class VideoJobInput
{
    /// <summary>The input that selects the synthetic focus-pull clip.</summary>
    public const string Synthetic = "synthetic";

    public static bool IsSynthetic(string input) => string.Equals(input, Synthetic, StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails early (before the model loads) when the input is a file that does not exist.</summary>
    /// <exception cref="VideoJobException">The input file is missing.</exception>
    public static void RequireExisting(string input)
    {
        if (!IsSynthetic(input) && FrameSources.Classify(input) == FrameSourceKind.File && !File.Exists(input))
        {
            throw new VideoJobException($"Input file '{input}' not found.");
        }
    }

    /// <exception cref="VideoJobException">The source cannot be opened.</exception>
    public static IFrameSource Open(VideoJobSettings settings)
    {
        if (IsSynthetic(settings.Input))
        {
            // A lossless synthetic run ends by itself after --max-frames; a live one is paced and stopped by the limits.
            return new SyntheticFocusPullSource(settings.SyntheticScene, settings.Live ? null : settings.MaxFrames, settings.Live);
        }

        try
        {
            return FrameSources.Open(settings.Input);
        }
        catch (FrameSourceException ex)
        {
            var kind = FrameSources.Classify(settings.Input) switch
            {
                FrameSourceKind.Camera => "camera",
                FrameSourceKind.Network => "stream",
                _ => "input",
            };
            throw new VideoJobException($"Cannot open {kind} '{settings.Input}': {ex.Message}", ex);
        }
    }
}
