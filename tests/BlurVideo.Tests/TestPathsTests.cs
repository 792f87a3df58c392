using NUnit.Framework;

namespace BlurVideo.Tests;

[TestFixture]
public sealed class TestPathsTests
{
    [Test]
    public void Shared_data_with_the_real_smoke_pairs_is_reachable()
    {
        var realSmoke = TestPaths.RequireSharedData("real-smoke");

        Assert.That(Directory.EnumerateFiles(realSmoke, "*", SearchOption.AllDirectories), Is.Not.Empty);
    }
}
