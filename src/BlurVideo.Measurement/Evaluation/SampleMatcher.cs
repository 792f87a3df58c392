using BlurVideo.Imaging;
namespace BlurVideo.Measurement.Evaluation;

/// <summary>A blur map (or a photo to run the detector on) and its ground-truth mask, paired by name stem.</summary>
/// <param name="Name">The file-name stem both files share.</param>
/// <param name="InputPath">The map's (or photo's) path.</param>
/// <param name="MaskPath">The mask's path.</param>
public sealed record MatchedSample(string Name, string InputPath, string MaskPath);

/// <summary>Pairs the files of two folders by file-name stem (<c>x.png</c> ↔ <c>x.jpg</c>).</summary>
/// <remarks>Only the top level of each folder is read, and only image files (<see cref="ImageExtensions"/>,
/// any letter case); other files are ignored. Stems are compared case-sensitively. Every problem is collected
/// before anything is thrown, so one error lists all of them.</remarks>
public static class SampleMatcher
{
    /// <summary>The file extensions read as images.</summary>
    public static IReadOnlyList<string> ImageExtensions => ImageFile.Extensions;

    /// <summary>Pairs every image of <paramref name="inputDirectory"/> with the image of
    /// <paramref name="maskDirectory"/> that has the same stem.</summary>
    /// <returns>The pairs, ordered by name (ordinal).</returns>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="SampleMismatchException">A file has no partner, a stem appears twice in one folder, or
    /// the folders hold no image; the exception lists every such file.</exception>
    public static IReadOnlyList<MatchedSample> Match(string inputDirectory, string maskDirectory)
    {
        var inputs = ImagesByStem(inputDirectory, out var duplicateInputs);
        var masks = ImagesByStem(maskDirectory, out var duplicateMasks);
        var inputsWithoutMask = inputs.Where(pair => !masks.ContainsKey(pair.Key)).Select(pair => pair.Value);
        var masksWithoutInput = masks.Where(pair => !inputs.ContainsKey(pair.Key)).Select(pair => pair.Value);
        var pairedCount = inputs.Keys.Count(masks.ContainsKey);
        var mismatch = new SampleMismatchException(
            inputDirectory, maskDirectory, pairedCount, Sorted(inputsWithoutMask), Sorted(masksWithoutInput),
            Sorted(duplicateInputs.Concat(duplicateMasks)));
        if (mismatch.InputsWithoutMask.Count + mismatch.MasksWithoutInput.Count + mismatch.AmbiguousFiles.Count > 0
            || inputs.Count == 0)
        {
            throw mismatch;
        }

        return inputs.Keys.Order(StringComparer.Ordinal)
            .Select(stem => new MatchedSample(stem, inputs[stem], masks[stem]))
            .ToArray();
    }

    private static Dictionary<string, string> ImagesByStem(string directory, out List<string> duplicates)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The folder '{directory}' does not exist.");
        }

        var groups = Directory.EnumerateFiles(directory)
            .Where(ImageFile.HasImageExtension)
            .GroupBy(path => Path.GetFileNameWithoutExtension(path), StringComparer.Ordinal)
            .ToArray();
        duplicates = groups.Where(group => group.Count() > 1).SelectMany(group => group).ToList();
        return groups.Where(group => group.Count() == 1)
            .ToDictionary(group => group.Key, group => group.Single(), StringComparer.Ordinal);
    }

    private static string[] Sorted(IEnumerable<string> paths) => paths.Order(StringComparer.Ordinal).ToArray();
}

/// <summary>The files of a map (or photo) folder and a mask folder do not pair up one to one.</summary>
public sealed class SampleMismatchException : BlurVideoException
{
    public SampleMismatchException()
        : this("The folders do not pair up.")
    {
    }

    public SampleMismatchException(string message)
        : base(message)
    {
    }

    public SampleMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SampleMismatchException(
        string inputDirectory,
        string maskDirectory,
        int pairedCount,
        IReadOnlyList<string> inputsWithoutMask,
        IReadOnlyList<string> masksWithoutInput,
        IReadOnlyList<string> ambiguousFiles)
        : base(Describe(inputDirectory, maskDirectory, pairedCount, inputsWithoutMask, masksWithoutInput, ambiguousFiles))
    {
        InputsWithoutMask = inputsWithoutMask;
        MasksWithoutInput = masksWithoutInput;
        AmbiguousFiles = ambiguousFiles;
    }

    /// <summary>Maps (or photos) that have no mask of the same stem.</summary>
    public IReadOnlyList<string> InputsWithoutMask { get; } = [];

    /// <summary>Masks that have no map (or photo) of the same stem.</summary>
    public IReadOnlyList<string> MasksWithoutInput { get; } = [];

    /// <summary>Files whose stem appears more than once in the same folder (e.g. <c>x.png</c> and <c>x.jpg</c>).</summary>
    public IReadOnlyList<string> AmbiguousFiles { get; } = [];

    private static string Describe(
        string inputDirectory,
        string maskDirectory,
        int pairedCount,
        IReadOnlyList<string> inputsWithoutMask,
        IReadOnlyList<string> masksWithoutInput,
        IReadOnlyList<string> ambiguousFiles)
    {
        var lines = new List<string>
        {
            $"'{inputDirectory}' and '{maskDirectory}' do not pair up by file name (paired: {pairedCount}, "
            + $"without a mask: {inputsWithoutMask.Count}, masks without a partner: {masksWithoutInput.Count}, "
            + $"ambiguous: {ambiguousFiles.Count}):",
        };
        if (inputsWithoutMask.Count + masksWithoutInput.Count + ambiguousFiles.Count == 0)
        {
            lines.Add("  no image files (.png, .jpg, .jpeg, .bmp, .tif, .tiff) were found.");
        }

        AddSection(lines, $"Without a mask in '{maskDirectory}':", inputsWithoutMask);
        AddSection(lines, $"Masks without a partner in '{inputDirectory}':", masksWithoutInput);
        AddSection(lines, "Files that share a name stem within one folder:", ambiguousFiles);
        return string.Join(Environment.NewLine, lines);
    }

    private static void AddSection(List<string> lines, string heading, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return;
        }

        lines.Add("  " + heading);
        lines.AddRange(paths.Select(path => "    " + path));
    }
}
