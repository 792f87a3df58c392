namespace BlurVideo.Cli.Commands;

/// <summary>
/// Refuses outputs that would overwrite an input, compared after resolving every symbolic link, before any file is
/// touched (<c>detect DIR -o DIR</c> replaced the photos by their maps; <c>video X -o X</c> truncated the video while
/// reading it). Hard links are not recognised.
/// </summary>
internal static class OutputGuard
{
    /// <summary>The absolute path with every symbolic link in it resolved; the part that does not exist yet is kept as given.</summary>
    /// <exception cref="IOException">A link cycle.</exception>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                // The target's own directories may be links too.
                return Resolve(Path.Combine([target.FullName, .. parts[(i + 1)..]]));
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>Throws when an output resolves to an input, or two outputs to the same file.</summary>
    /// <param name="inputs">Input files and folders.</param>
    /// <param name="outputs">Output files and folders, by the option that names them.</param>
    /// <exception cref="VideoJobException">The first clash, in one line.</exception>
    public static void Check(IEnumerable<string> inputs, IEnumerable<(string Option, string Path)> outputs)
    {
        var resolvedInputs = inputs.Select(input => (Input: input, Resolved: Resolve(input))).ToList();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, path) in outputs)
        {
            var resolved = Resolve(path);
            foreach (var (input, resolvedInput) in resolvedInputs)
            {
                if (resolved == resolvedInput)
                {
                    throw new VideoJobException($"{option} '{path}' is the input '{input}'; refusing to overwrite it (give another path).");
                }
            }

            if (!seen.TryAdd(resolved, option))
            {
                throw new VideoJobException($"{option} '{path}' is the same file as {seen[resolved]}; give each output its own path.");
            }
        }
    }
}
