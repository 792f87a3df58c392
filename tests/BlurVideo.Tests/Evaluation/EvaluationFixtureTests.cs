using System.Text.Json;
using NUnit.Framework;

namespace BlurVideo.Tests.Evaluation;

/// <summary>
/// The evaluator reproduces the hand-derived figures of <c>Fixtures/evaluation</c>, the fixture training/metrics.py is
/// tested against too (training/make_evaluation_fixture.py writes it and derives every figure), so the two
/// implementations of the protocol cannot drift apart.
/// </summary>
[TestFixture]
public sealed class EvaluationFixtureTests
{
    private const double Tolerance = 1e-6;

    [Test]
    public void Evaluator_reproduces_the_shared_fixture_figures()
    {
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "evaluation");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var root = expected.RootElement;

        var report = BlurMapEvaluation.EvaluateMapFolder(Path.Combine(folder, "maps"), Path.Combine(folder, "masks"));

        var images = root.GetProperty("images");
        Assert.That(report.Images.Select(image => image.Name), Is.EquivalentTo(images.EnumerateObject().Select(p => p.Name)));
        Assert.Multiple(() =>
        {
            foreach (var image in report.Images)
            {
                var figures = images.GetProperty(image.Name);
                Assert.That(image.Mae, Is.EqualTo(figures.GetProperty("mae").GetDouble()).Within(Tolerance), $"{image.Name} MAE");
                Assert.That(image.FBeta, Is.EqualTo(figures.GetProperty("fbeta").GetDouble()).Within(Tolerance), $"{image.Name} Fβ");
                Assert.That(image.IoU, Is.EqualTo(figures.GetProperty("iou").GetDouble()).Within(Tolerance), $"{image.Name} IoU");
            }

            Assert.That(report.Mae, Is.EqualTo(root.GetProperty("mae").GetDouble()).Within(Tolerance), "MAE");
            Assert.That(report.FBeta, Is.EqualTo(root.GetProperty("fbeta").GetDouble()).Within(Tolerance), "Fβ");
            Assert.That(report.IoU, Is.EqualTo(root.GetProperty("iou").GetDouble()).Within(Tolerance), "IoU");
            Assert.That(report.MaxF, Is.EqualTo(root.GetProperty("max_f").GetDouble()).Within(Tolerance), "maxF");
            Assert.That(report.MaxFThreshold, Is.EqualTo(root.GetProperty("max_f_level").GetInt32() / 255.0).Within(Tolerance), "maxF threshold");
        });
    }
}
