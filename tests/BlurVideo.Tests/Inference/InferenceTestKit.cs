using BlurVideo.Inference;
using Microsoft.Extensions.Logging;

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
