using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

/// <summary>Folder evaluation end to end: files decoded and resized by the native shim, then scored.</summary>
[TestFixture]
public class BlurMapEvaluationTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestPaths.CreateTempFolder("evaluation");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Real_masks_scored_against_themselves_are_perfect()
    {
        var masks = RealSmokeMasks();

        var report = BlurMapEvaluation.EvaluateMapFolder(masks, masks);

        Assert.That(report.ImageCount, Is.EqualTo(6));
        Assert.That(report.Mae, Is.Zero);
        Assert.That(report.FBeta, Is.EqualTo(1));
        Assert.That(report.IoU, Is.EqualTo(1));
        Assert.That(report.MaxF, Is.EqualTo(1));
        Assert.That(report.Images.Select(image => image.Name), Is.Ordered.And.All.StartsWith("cuhk_"));
        Assert.That(report.Images[0], Has.Property(nameof(ImageScore.Width)).EqualTo(640)
            .And.Property(nameof(ImageScore.Height)).EqualTo(512));
    }

    [Test]
    public void Real_masks_scored_against_their_inversion_score_zero()
    {
        var masks = RealSmokeMasks();
        var inverted = Path.Combine(_folder, "inverted");
        Directory.CreateDirectory(inverted);
        foreach (var path in Directory.EnumerateFiles(masks, "*.png"))
        {
            using var mask = ImageFile.Decode(path, ImageColorMode.Gray8);
            var pixels = mask.ToArray();
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(255 - pixels[i]);
            }

            ImageFile.WriteGray(Path.Combine(inverted, Path.GetFileName(path)), pixels, mask.Width, mask.Height, mask.Width);
        }

        var report = BlurMapEvaluation.EvaluateMapFolder(inverted, masks);

        Assert.That(report.ImageCount, Is.EqualTo(6));
        Assert.That(report.Mae, Is.EqualTo(1));
        Assert.That(report.FBeta, Is.Zero);
        Assert.That(report.IoU, Is.Zero);
    }

    [Test]
    public void Polarity_flags_undo_an_inversion_of_real_data()
    {
        var masks = RealSmokeMasks();

        var mapsSharp = BlurMapEvaluation.EvaluateMapFolder(masks, masks, mapPolarity: Polarity.Sharp);
        var masksSharp = BlurMapEvaluation.EvaluateMapFolder(masks, masks, maskPolarity: Polarity.Sharp);
        var bothSharp = BlurMapEvaluation.EvaluateMapFolder(masks, masks, Polarity.Sharp, Polarity.Sharp);

        Assert.That(mapsSharp.FBeta, Is.Zero, "a blur-polarity map read as sharp-polarity is inverted");
        Assert.That(masksSharp.FBeta, Is.Zero);
        Assert.That(bothSharp.FBeta, Is.EqualTo(1), "both flipped agree again");
        Assert.That(bothSharp.Mae, Is.Zero);
    }

    [TestCase(4, 3, 8, 6, TestName = "A map smaller than its mask is upscaled bilinearly before scoring")]
    [TestCase(9, 7, 5, 4, TestName = "A map larger than its mask is downscaled bilinearly before scoring")]
    public void A_map_of_another_size_is_resized_to_the_mask_before_scoring(
        int mapWidth, int mapHeight, int width, int height)
    {
        // A diagonal ramp map; the mask's right half is blurred. The expected figures come from the managed
        // reference of OpenCV's INTER_LINEAR applied to the same values, scored directly.
        var mapPixels = new byte[mapWidth * mapHeight];
        for (var y = 0; y < mapHeight; y++)
        {
            for (var x = 0; x < mapWidth; x++)
            {
                mapPixels[y * mapWidth + x] = (byte)(255 * (x + y) / (mapWidth + mapHeight - 2));
            }
        }

        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                mask[y * width + x] = x >= width / 2 ? (byte)255 : (byte)0;
            }
        }

        Write("maps/ramp.png", mapPixels, mapWidth, mapHeight);
        Write("masks/ramp.png", mask, width, height);
        var expectedMap = ReferenceBilinear.Resize(
            mapPixels.Select(value => value / 255f).ToArray(), mapWidth, mapHeight, width, height);
        var evaluator = new BlurMapEvaluator();
        var expected = evaluator.Add("ramp", expectedMap, Polarity.Blur, mask, Polarity.Blur, width, height);
        var expectedCurve = evaluator.CreateReport().PrecisionRecallCurve;

        var report = BlurMapEvaluation.EvaluateMapFolder(Path.Combine(_folder, "maps"), Path.Combine(_folder, "masks"));

        var scored = report.Images.Single();
        Assert.That((scored.Width, scored.Height), Is.EqualTo((width, height)));
        Assert.That(scored.Mae, Is.EqualTo(expected.Mae).Within(1e-5));
        Assert.That(scored.FBeta, Is.EqualTo(expected.FBeta).Within(1e-9));
        Assert.That(scored.IoU, Is.EqualTo(expected.IoU).Within(1e-9));
        Assert.That(
            report.PrecisionRecallCurve.Select(point => point.Recall),
            Is.EqualTo(expectedCurve.Select(point => point.Recall)).Within(1e-9));
        Assert.That(scored.FBeta, Is.GreaterThan(0).And.LessThan(1), "the case must not be trivial");
    }

    [Test]
    public void A_real_mask_halved_and_scored_at_full_size_stays_close_to_perfect()
    {
        var masks = RealSmokeMasks();
        var source = Path.Combine(masks, "cuhk_0011.png");
        using var mask = ImageFile.Decode(source, ImageColorMode.Gray8);
        var values = mask.ToArray().Select(value => value / 255f).ToArray();
        var (halfWidth, halfHeight) = (mask.Width / 2, mask.Height / 2);
        var half = new float[halfWidth * halfHeight];
        MapResampler.Resize(values, mask.Width, mask.Height, half, halfWidth, halfHeight);
        Directory.CreateDirectory(Path.Combine(_folder, "maps"));
        Directory.CreateDirectory(Path.Combine(_folder, "masks"));
        ImageFile.WriteMap(Path.Combine(_folder, "maps", "cuhk_0011.png"), half, halfWidth, halfHeight);
        File.Copy(source, Path.Combine(_folder, "masks", "cuhk_0011.png"));

        var report = BlurMapEvaluation.EvaluateMapFolder(Path.Combine(_folder, "maps"), Path.Combine(_folder, "masks"));

        Assert.That(report.Images.Single().Width, Is.EqualTo(640));
        Assert.That(report.Mae, Is.GreaterThan(0).And.LessThan(0.02), "only the region boundary is softened");
        Assert.That(report.FBeta, Is.GreaterThan(0.97).And.LessThan(1));
        Assert.That(report.IoU, Is.GreaterThan(0.95).And.LessThan(1));
    }

    [Test]
    public void Unmatched_files_are_listed_before_anything_is_scored()
    {
        Write("maps/a.png", [0], 1, 1);
        Write("maps/b.png", [0], 1, 1);
        Write("masks/a.png", [0], 1, 1);
        Write("masks/c.jpg", [0], 1, 1);

        var error = Assert.Throws<SampleMismatchException>(() =>
            BlurMapEvaluation.EvaluateMapFolder(Path.Combine(_folder, "maps"), Path.Combine(_folder, "masks")));

        Assert.That(error.Message, Does.Contain("b.png").And.Contain("c.jpg"));
    }

    [Test]
    public void Detector_mode_scores_the_maps_it_is_given_and_disposes_them()
    {
        var masks = RealSmokeMasks();
        var images = Path.Combine(masks, "..", "images");
        var pool = new BlurMapPool(32, 32);
        var requested = new List<string>();

        // A constant "all blurred" detector: recall 1, precision = blurred fraction of each mask.
        var report = BlurMapEvaluation.EvaluateDetector(
            path =>
            {
                requested.Add(Path.GetFileName(path));
                var map = pool.Rent();
                map.Values.Fill(1f);
                return map;
            },
            images,
            masks);

        Assert.That(requested, Has.Count.EqualTo(6).And.All.StartsWith("cuhk_"));
        Assert.That(pool.Outstanding, Is.Zero, "every map is disposed once scored");
        Assert.That(report.Images.Select(image => image.Recall), Is.All.EqualTo(1));
        Assert.That(report.Images.Select(image => image.Precision), Is.All.InRange(0.01, 0.99));
    }

    [Test]
    public void Scoring_the_detector_directly_equals_scoring_the_8_bit_maps_it_would_write()
    {
        // Mode b (float maps resized to the mask) and mode a on PNGs of the same maps at the photo's size
        // (round(255·v), as `detect` writes them) quantize to the same levels: identical Fβ, IoU and PR curve;
        // MAE differs by at most the 8-bit rounding, 1/510.
        var masks = RealSmokeMasks();
        var images = Path.Combine(masks, "..", "images");
        using var detector = new BlurDetector(
            new BlurDetectorOptions { Model = Path.Combine(TestPaths.Fixtures, "tiny", "tiny_blur.onnx"), Provider = ExecutionProvider.Cpu });
        var maps = Path.Combine(_folder, "maps");
        Directory.CreateDirectory(maps);
        foreach (var image in Directory.EnumerateFiles(images))
        {
            using var decoded = ImageFile.Decode(image, ImageColorMode.Gray8);
            using var map = detector.DetectFile(image);
            var resized = new float[decoded.Width * decoded.Height];
            MapResampler.Resize(map.Values, map.Width, map.Height, resized, decoded.Width, decoded.Height);
            ImageFile.WriteMap(Path.Combine(maps, Path.GetFileName(image)), resized, decoded.Width, decoded.Height);
        }

        var direct = BlurMapEvaluation.EvaluateDetector(detector.DetectFile, images, masks);
        var fromFiles = BlurMapEvaluation.EvaluateMapFolder(maps, masks);

        Assert.That(direct.ImageCount, Is.EqualTo(6));
        Assert.That(fromFiles.FBeta, Is.EqualTo(direct.FBeta).Within(1e-12));
        Assert.That(fromFiles.IoU, Is.EqualTo(direct.IoU).Within(1e-12));
        Assert.That(fromFiles.MaxF, Is.EqualTo(direct.MaxF).Within(1e-12));
        Assert.That(fromFiles.Mae, Is.EqualTo(direct.Mae).Within(1.0 / 510));
        Assert.That(
            fromFiles.PrecisionRecallCurve.Select(point => point.Precision),
            Is.EqualTo(direct.PrecisionRecallCurve.Select(point => point.Precision)).Within(1e-12));
    }

    private static string RealSmokeMasks()
    {
        var masks = Path.Combine(TestPaths.SharedData, "real-smoke", "masks");
        if (!Directory.Exists(masks))
        {
            Assert.Ignore($"Shared data '{masks}' is absent (set {TestPaths.SharedDataVariable}).");
        }

        return masks;
    }

    private void Write(string relativePath, byte[] pixels, int width, int height)
    {
        var path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageFile.WriteGray(path, pixels, width, height, width);
    }
}
