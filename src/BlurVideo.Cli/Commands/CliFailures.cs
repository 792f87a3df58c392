using BlurVideo.Inference;
using BlurVideo.Measurement.Evaluation;
using BlurVideo.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Cli.Commands;

/// <summary>The failures every command reports as one line on stderr with exit code 1 (anything else is a bug).</summary>
internal static class CliFailures
{
    /// <summary>Bad input or environment: missing or undecodable files, unknown models, unusable GPU, unopenable sources.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is VideoJobException or FrameSourceException or ModelNotFoundException or GpuUnavailableException
            or OnnxRuntimeException or BlurVideoNativeException or SampleMismatchException or InvalidDataException
            or IOException or UnauthorizedAccessException;
}
