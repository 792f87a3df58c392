using System.Globalization;
using System.Text.Json;

namespace BlurVideo.Inference;

/// <summary>
/// A model's JSON card (<c>&lt;name&gt;.json</c> beside <c>&lt;name&gt;.onnx</c>): its name, architecture, native input
/// size and the RGB normalization its input expects, <c>(rgb / 255 - mean) / std</c>.
/// </summary>
public sealed class ModelCard
{
    /// <summary>The largest side a card's <c>input_size</c> may ask for (a 4096² input tensor alone is 200 MB).</summary>
    internal const int MaxInputSide = 4096;

    private ModelCard(string name, string architecture, int inputWidth, int inputHeight, float[] mean, float[] std, string modelPath)
    {
        Name = name;
        Architecture = architecture;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        Mean = mean;
        Std = std;
        ModelPath = modelPath;
    }

    /// <summary>The card's <c>name</c>.</summary>
    public string Name { get; }

    /// <summary>The card's <c>architecture</c>: DeFusionNet, R2MRF or tiny.</summary>
    public string Architecture { get; }

    /// <summary>Width of the card's <c>input_size</c> (which is [H, W]).</summary>
    public int InputWidth { get; }

    /// <summary>Height of the card's <c>input_size</c>.</summary>
    public int InputHeight { get; }

    /// <summary>Per-channel means, R, G, B, on the 0..1 scale.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-channel standard deviations, R, G, B.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>Full path of the .onnx file the card describes.</summary>
    public string ModelPath { get; }

    /// <summary>Reads the card beside <paramref name="modelPath"/> (same name, .json).</summary>
    /// <exception cref="ModelNotFoundException">The .onnx file or its card is missing.</exception>
    /// <exception cref="InvalidModelException">The card is not a JSON object, lacks a required key or has an invalid value.</exception>
    public static ModelCard ReadFor(string modelPath)
    {
        var fullPath = Path.GetFullPath(modelPath);
        var cardPath = Path.ChangeExtension(fullPath, ".json");
        if (!File.Exists(fullPath))
        {
            throw new ModelNotFoundException($"Model file '{fullPath}' not found.");
        }

        if (!File.Exists(cardPath))
        {
            throw new ModelNotFoundException($"Model card '{cardPath}' not found: every model needs its JSON card beside it.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(cardPath));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                var kind = root.ValueKind switch
                {
                    JsonValueKind.Null => "null",
                    JsonValueKind.Array => "an array",
                    JsonValueKind.String => "a string",
                    JsonValueKind.Number => "a number",
                    _ => "a boolean",
                };
                throw new InvalidModelException($"Model card '{cardPath}' must be a JSON object, not {kind}.");
            }

            var name = root.TryGetProperty("name", out var nameValue) && nameValue.ValueKind == JsonValueKind.String
                ? nameValue.GetString()!
                : Path.GetFileNameWithoutExtension(fullPath);
            var architecture = root.TryGetProperty("architecture", out var architectureValue) && architectureValue.ValueKind == JsonValueKind.String
                ? architectureValue.GetString()!
                : "unknown";
            var inputSize = ReadNumbers(root, "input_size", 2, cardPath);
            var height = ToSide(inputSize[0], cardPath);
            var width = ToSide(inputSize[1], cardPath);
            var mean = ReadNumbers(root, "mean", 3, cardPath);
            var std = ReadNumbers(root, "std", 3, cardPath);
            if (std.Any(value => !(value > 0f)))
            {
                throw new InvalidModelException($"Model card '{cardPath}': every \"std\" value must be positive.");
            }

            return new ModelCard(name, architecture, width, height, mean, std, fullPath);
        }
        catch (JsonException exception)
        {
            throw new InvalidModelException($"Model card '{cardPath}' is not valid JSON: {exception.Message}", exception);
        }
    }

    private static float[] ReadNumbers(JsonElement root, string key, int count, string cardPath)
    {
        if (!root.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != count)
        {
            throw new InvalidModelException($"Model card '{cardPath}' needs \"{key}\" as an array of {count} numbers.");
        }

        var values = new float[count];
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw new InvalidModelException($"Model card '{cardPath}': \"{key}\" must hold numbers only.");
            }

            if (!item.TryGetSingle(out var value) || !float.IsFinite(value))
            {
                throw new InvalidModelException($"Model card '{cardPath}': \"{key}\" holds a number out of range.");
            }

            values[index++] = value;
        }

        return values;
    }

    private static int ToSide(float value, string cardPath)
    {
        if (value < 32 || value % 32 != 0)
        {
            throw new InvalidModelException(string.Create(
                CultureInfo.InvariantCulture, $"Model card '{cardPath}': \"input_size\" sides must be multiples of 32, not {value}."));
        }

        if (value > MaxInputSide)
        {
            throw new InvalidModelException(string.Create(
                CultureInfo.InvariantCulture, $"Model card '{cardPath}': \"input_size\" side {value} is larger than {MaxInputSide}."));
        }

        return (int)value;
    }
}
