using BlurVideo.Imaging;
using BlurVideo.Pipeline;

namespace BlurVideo.Measurement.Evaluation;

/// <summary>
/// Scores whole folders under <see cref="EvaluationProtocol"/>: pairs the files by name stem
/// (<see cref="SampleMatcher"/>), reads each mask, obtains the map, resizes it bilinearly to the mask's size
/// (OpenCV <c>INTER_LINEAR</c> through the native shim, <see cref="MapResampler"/>) and scores it with a
/// <see cref="BlurMapEvaluator"/>.
/// </summary>
public static class BlurMapEvaluation
{
    /// <summary>Mode (a): scores the maps that already exist in <paramref name="mapsDirectory"/> (any method's,
    /// 8-bit images of any size, read as <c>byte / 255</c>).</summary>
    /// <param name="mapsDirectory">Folder of map images.</param>
    /// <param name="masksDirectory">Folder of ground-truth masks with the same name stems.</param>
    /// <param name="mapPolarity">What white means in the maps.</param>
    /// <param name="maskPolarity">What white means in the masks.</param>
    /// <param name="progress">Told each image's figures as soon as it is scored.</param>
    /// <exception cref="SampleMismatchException">The folders do not pair up; lists every unpaired file.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="BlurVideoNativeException">A file cannot be decoded (the message names it).</exception>
    public static EvaluationReport EvaluateMapFolder(
        string mapsDirectory,
        string masksDirectory,
        Polarity mapPolarity = Polarity.Blur,
        Polarity maskPolarity = Polarity.Blur,
        IProgress<ImageScore>? progress = null)
    {
        var samples = SampleMatcher.Match(mapsDirectory, masksDirectory);
        var scorer = new SampleScorer(maskPolarity);
        var mapPixels = Array.Empty<byte>();
        var mapValues = Array.Empty<float>();
        foreach (var sample in samples)
        {
            using var map = ImageFile.Decode(sample.InputPath, ImageColorMode.Gray8);
            var length = map.Width * map.Height;
            EnsureLength(ref mapPixels, length);
            EnsureLength(ref mapValues, length);
            map.CopyTo(mapPixels.AsSpan(0, length));
            for (var i = 0; i < length; i++)
            {
                mapValues[i] = mapPixels[i] / 255f;
            }

            var score = scorer.Score(sample, mapValues.AsSpan(0, length), map.Width, map.Height, mapPolarity);
            progress?.Report(score);
        }

        return scorer.Evaluator.CreateReport();
    }

    /// <summary>Mode (b): computes a blur map for every photo of <paramref name="imagesDirectory"/> with
    /// <paramref name="computeMap"/> (the detector), then scores it against the mask of the same stem.</summary>
    /// <param name="computeMap">Returns the blur map (1 = blurred, any resolution) of the photo at the given path;
    /// ownership of the map passes to the evaluation, which disposes it once scored.</param>
    /// <param name="imagesDirectory">Folder of photos.</param>
    /// <param name="masksDirectory">Folder of ground-truth masks with the same name stems.</param>
    /// <param name="maskPolarity">What white means in the masks.</param>
    /// <param name="progress">Told each image's figures as soon as it is scored.</param>
    /// <exception cref="SampleMismatchException">The folders do not pair up; lists every unpaired file.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    public static EvaluationReport EvaluateDetector(
        Func<string, BlurMap> computeMap,
        string imagesDirectory,
        string masksDirectory,
        Polarity maskPolarity = Polarity.Blur,
        IProgress<ImageScore>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(computeMap);
        var samples = SampleMatcher.Match(imagesDirectory, masksDirectory);
        var scorer = new SampleScorer(maskPolarity);
        foreach (var sample in samples)
        {
            using var map = computeMap(sample.InputPath);
            var score = scorer.Score(sample, map.Values, map.Width, map.Height, Polarity.Blur);
            progress?.Report(score);
        }

        return scorer.Evaluator.CreateReport();
    }

    private static void EnsureLength<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
    }

    /// <summary>Reads a mask, brings a map to its size and scores the pair, reusing its buffers.</summary>
    private sealed class SampleScorer(Polarity maskPolarity)
    {
        private byte[] _mask = [];
        private float[] _resizedMap = [];

        public BlurMapEvaluator Evaluator { get; } = new();

        public ImageScore Score(
            MatchedSample sample, ReadOnlySpan<float> map, int mapWidth, int mapHeight, Polarity mapPolarity)
        {
            using var mask = ImageFile.Decode(sample.MaskPath, ImageColorMode.Gray8);
            var width = mask.Width;
            var height = mask.Height;
            var length = width * height;
            EnsureLength(ref _mask, length);
            mask.CopyTo(_mask.AsSpan(0, length));
            if (mapWidth != width || mapHeight != height)
            {
                EnsureLength(ref _resizedMap, length);
                MapResampler.Resize(map, mapWidth, mapHeight, _resizedMap.AsSpan(0, length), width, height);
                map = _resizedMap.AsSpan(0, length);
            }

            return Evaluator.Add(sample.Name, map, mapPolarity, _mask.AsSpan(0, length), maskPolarity, width, height);
        }
    }
}
