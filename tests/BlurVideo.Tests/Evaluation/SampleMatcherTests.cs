using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

[TestFixture]
public class SampleMatcherTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = TestPaths.CreateTempFolder("matcher");
        Directory.CreateDirectory(Path.Combine(_root, "maps"));
        Directory.CreateDirectory(Path.Combine(_root, "masks"));
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Files_pair_by_stem_across_extensions_and_other_files_are_ignored()
    {
        Touch("maps/a.png", "maps/b.png", "maps/notes.txt", "masks/a.jpg", "masks/b.BMP", "masks/summary.json");

        var samples = SampleMatcher.Match(Maps, Masks);

        string[] names = ["a", "b"];
        Assert.That(samples.Select(sample => sample.Name), Is.EqualTo(names));
        Assert.That(samples[0].InputPath, Is.EqualTo(Path.Combine(Maps, "a.png")));
        Assert.That(samples[0].MaskPath, Is.EqualTo(Path.Combine(Masks, "a.jpg")));
        Assert.That(samples[1].MaskPath, Is.EqualTo(Path.Combine(Masks, "b.BMP")));
    }

    [Test]
    public void Every_unmatched_file_on_both_sides_is_listed()
    {
        Touch("maps/a.png", "maps/only-map-1.png", "maps/only-map-2.png", "masks/a.png", "masks/only-mask.png");

        var error = Assert.Throws<SampleMismatchException>(() => SampleMatcher.Match(Maps, Masks));

        Assert.That(error.InputsWithoutMask, Is.EqualTo(new[]
        {
            Path.Combine(Maps, "only-map-1.png"), Path.Combine(Maps, "only-map-2.png"),
        }));
        Assert.That(error.MasksWithoutInput, Is.EqualTo(new[] { Path.Combine(Masks, "only-mask.png") }));
        Assert.That(error.Message, Does.Contain("only-map-1.png").And.Contain("only-map-2.png").And.Contain("only-mask.png"));
        Assert.That(error.Message, Does.Not.Contain("a.png"));
        Assert.That(error.Message, Does.Contain("paired: 1, without a mask: 2, masks without a partner: 1, ambiguous: 0"));
    }

    [Test]
    public void A_stem_twice_in_one_folder_is_ambiguous()
    {
        Touch("maps/a.png", "maps/a.jpg", "masks/a.png");

        var error = Assert.Throws<SampleMismatchException>(() => SampleMatcher.Match(Maps, Masks));

        Assert.That(error.AmbiguousFiles, Is.EquivalentTo(new[] { Path.Combine(Maps, "a.png"), Path.Combine(Maps, "a.jpg") }));
        Assert.That(error.Message, Does.Contain("a.jpg"));
    }

    [Test]
    public void Folders_without_images_are_an_error()
    {
        Touch("maps/readme.txt");

        var error = Assert.Throws<SampleMismatchException>(() => SampleMatcher.Match(Maps, Masks));

        Assert.That(error.Message, Does.Contain("no image files"));
    }

    [Test]
    public void A_missing_folder_is_named()
    {
        var missing = Path.Combine(_root, "nowhere");

        var error = Assert.Throws<DirectoryNotFoundException>(() => SampleMatcher.Match(missing, Masks));

        Assert.That(error.Message, Does.Contain(missing));
    }

    private string Maps => Path.Combine(_root, "maps");

    private string Masks => Path.Combine(_root, "masks");

    private void Touch(params string[] relativePaths)
    {
        foreach (var relativePath in relativePaths)
        {
            File.WriteAllBytes(Path.Combine(_root, relativePath), []);
        }
    }
}
