using NUnit.Framework;

namespace BlurVideo.Tests;

/// <summary>Where tests find their data.</summary>
internal static class TestPaths
{
    /// <summary>Environment variable that points at the shared data folder (the one holding real-smoke/, ...).</summary>
    public const string SharedDataVariable = "BLURVIDEO_SHARED_DATA";

    /// <summary>Creates a new, empty folder under the temp directory, named after <paramref name="purpose"/>.</summary>
    public static string CreateTempFolder(string purpose) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"blurvideo-{purpose}-{Guid.NewGuid():N}")).FullName;

    /// <summary>The committed fixtures, copied next to the test assembly.</summary>
    public static string Fixtures => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");

    /// <summary>The repository root: the nearest ancestor of the test assembly that holds BlurVideo.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
                 directory is not null;
                 directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "BlurVideo.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new DirectoryNotFoundException(
                $"No BlurVideo.sln above {TestContext.CurrentContext.TestDirectory}.");
        }
    }

    /// <summary>
    /// The shared data folder: <c>$BLURVIDEO_SHARED_DATA</c> when set, otherwise <c>&lt;repo&gt;/../shared/data</c>.
    /// Tests that need it should call <see cref="RequireSharedData"/>.
    /// </summary>
    public static string SharedData
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(SharedDataVariable);
            return string.IsNullOrEmpty(configured)
                ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"))
                : Path.GetFullPath(configured);
        }
    }

    /// <summary>A sub-folder of the shared data; fails the test (never skips it) when it is missing.</summary>
    public static string RequireSharedData(string relativePath)
    {
        var path = Path.Combine(SharedData, relativePath);
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            Assert.Fail($"Shared data '{path}' not found. Put the shared folder beside the repository "
                        + $"(../shared/data) or set {SharedDataVariable}.");
        }

        return path;
    }
}
