using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Tests.Inference;

internal static class InferenceTestKit
{
    public static string TinyModelPath => Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx");

    public static BlurDetectorOptions TinyCpu(
        InputSizePolicy inputSize = InputSizePolicy.ModelCard, int maxNativePixels = 1280 * 960) => new()
    {
        Model = TinyModelPath,
        Provider = ExecutionProvider.Cpu,
        IntraOpThreads = 1,
        InputSize = inputSize,
        MaxNativePixels = maxNativePixels,
    };

    /// <summary>
    /// Whether ONNX Runtime's CUDA provider can be appended here (the package has it; a machine without the CUDA 13
    /// libraries cannot load it). The fallback tests need a machine where it cannot.
    /// </summary>
    public static bool CudaIsUsable()
    {
        using var options = new SessionOptions();
        try
        {
            options.AppendExecutionProvider_CUDA();
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    /// <summary>A BGR8 test frame: smooth gradients plus a sharp checkerboard in the left half.</summary>
    public static byte[] Frame(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                var checker = x < width / 2 && ((x / 4) + (y / 4)) % 2 == 0 ? 200 : 30;
                pixels[i] = (byte)(255 * x / width);
                pixels[i + 1] = (byte)(255 * y / height);
                pixels[i + 2] = (byte)checker;
            }
        }

        return pixels;
    }
}

/// <summary>Keeps what is logged, for assertions.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Add((logLevel, formatter(state, exception)));
}
