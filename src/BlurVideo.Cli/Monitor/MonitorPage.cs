namespace BlurVideo.Cli.Monitor;

/// <summary>The monitor's one page (Monitor/monitor.html, embedded in the assembly).</summary>
internal static class MonitorPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(MonitorPage).Assembly.GetManifestResourceStream("monitor.html")
                           ?? throw new InvalidOperationException("The monitor page is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
