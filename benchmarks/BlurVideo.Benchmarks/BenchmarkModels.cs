using BlurVideo.Inference;

namespace BlurVideo.Benchmarks;

/// <summary>The models to benchmark: every model in the models folder, plus the repository's tiny test fixture.</summary>
internal static class BenchmarkModels
{
    public static IEnumerable<BenchmarkModel> All()
    {
        var directory = ModelCatalog.FindModelsDirectory();
        foreach (var name in ModelCatalog.ListModels(directory))
        {
            yield return new BenchmarkModel(Path.Combine(directory!, name + ".onnx"));
        }

        if (TinyFixture() is { } tiny)
        {
            yield return new BenchmarkModel(tiny);
        }
    }

    private static string? TinyFixture()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "BlurVideo.Tests", "Fixtures", "tiny", "tiny_blur.onnx");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A BGR8 test frame with smooth and sharp areas.</summary>
    public static byte[] Frame(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        var random = new Random(7);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                pixels[i] = (byte)(255 * x / width);
                pixels[i + 1] = (byte)(255 * y / height);
                pixels[i + 2] = x < width / 2 ? (byte)random.Next(256) : (byte)128;
            }
        }

        return pixels;
    }
}

/// <summary>A model file, shown by its name in the results table.</summary>
public sealed record BenchmarkModel(string Path)
{
    public override string ToString() => System.IO.Path.GetFileNameWithoutExtension(Path);
}
