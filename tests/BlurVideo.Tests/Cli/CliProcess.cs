using System.Diagnostics;
using System.Text;
using NUnit.Framework;

namespace BlurVideo.Tests.Cli;

/// <summary>The real <c>blurvideo</c> (BlurVideo.Cli.dll, built with the tests) in a child process, to send it signals.</summary>
internal sealed class CliProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Append(_output, line.Data);
        _process.ErrorDataReceived += (_, line) => Append(_error, line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static CliProcess Start(params string[] args) => Start(ownProcessGroup: false, args);

    /// <summary>Starts the command as a terminal starts a job: leading its own process group, which Ctrl+C signals as a whole.</summary>
    public static CliProcess StartInOwnProcessGroup(params string[] args) => Start(ownProcessGroup: true, args);

    private static CliProcess Start(bool ownProcessGroup, string[] args)
    {
        // The tests' own output folder is .../tests/BlurVideo.Tests/bin/<configuration>/<framework>/.
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var cli = Path.Combine(TestPaths.RepositoryRoot, "src", "BlurVideo.Cli", "bin", testDirectory.Parent!.Name, testDirectory.Name, "BlurVideo.Cli.dll");
        Assert.That(File.Exists(cli), Is.True, $"the command is built with the tests: {cli}");
        var start = new ProcessStartInfo(ownProcessGroup ? "setsid" : "env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (ownProcessGroup)
        {
            start.ArgumentList.Add("env"); // setsid execs it in place: same process, a new session and group
        }

        // The signals the tests send take their default action first, as in a terminal: a test run started in the
        // background (`&` ignores INT) or under nohup (HUP) would otherwise pass the ignoring on to the command.
        start.ArgumentList.Add("--default-signal=INT,TERM,HUP");
        start.ArgumentList.Add("dotnet"); // env execs it in place, as setsid does
        start.ArgumentList.Add(cli);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        return new CliProcess(Process.Start(start)!);
    }

    /// <summary>Sends a signal (<c>INT</c>, <c>TERM</c>, <c>HUP</c>, <c>KILL</c>) with <c>kill</c>.</summary>
    public void Signal(string signal) => Signal(Id, signal);

    /// <summary>Sends a signal to the process's whole group, as a terminal's Ctrl+C does.</summary>
    public void SignalGroup(string signal) => Signal(-Id, signal);

    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, "--", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The process's children (e.g. the ffmpeg that writes the video).</summary>
    public IReadOnlyList<int> Children() =>
        [.. Directory.GetDirectories($"/proc/{Id}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)];

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test if the process exits first or it takes minutes.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"blurvideo exited ({_process.ExitCode}) before {what}: {Error}");
            }

            if (stopwatch.Elapsed > Timeout)
            {
                Assert.Fail($"no {what} within {Timeout}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"blurvideo did not exit within {Timeout}: {Error}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }
}
