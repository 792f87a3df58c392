using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using RabbitMQ.Client;

namespace BlurVideo.Tests.Queue;

/// <summary>
/// A throwaway RabbitMQ node for the tests: Debian's <c>rabbitmq-server</c> (installed by setup) started directly from
/// <c>/usr/lib/rabbitmq/bin</c> as the calling user, with its node name, data, logs, Erlang cookie and epmd on free
/// loopback ports inside a temporary folder; stopped (and its epmd with it) and deleted on dispose. It can be stopped
/// and started again on the same ports and data, as a broker restart.
/// </summary>
internal sealed class RabbitMqBroker : IDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private Process? _process;
    private int _starts;

    private RabbitMqBroker(string directory)
    {
        _directory = directory;
        var port = FreePort();
        Uri = new Uri($"amqp://guest:guest@127.0.0.1:{port}/");
        File.WriteAllText(Path.Combine(directory, "enabled_plugins"), "[].");
        // guest may connect over loopback only by default; the node listens on 127.0.0.1 anyway.
        File.WriteAllText(Path.Combine(directory, "rabbitmq.conf"), "loopback_users = none\n");
        _environment = new()
        {
            ["HOME"] = directory,
            ["RABBITMQ_NODENAME"] = $"blurvideo-test-{Environment.ProcessId}-{port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq"),
        };
    }

    /// <summary>amqp://guest:guest@127.0.0.1:PORT/</summary>
    public Uri Uri { get; }

    /// <summary>Starts a node and waits until it takes connections; fails the test when rabbitmq-server is not installed.</summary>
    public static async Task<RabbitMqBroker> StartAsync()
    {
        if (!File.Exists(Server))
        {
            Assert.Fail($"{Server} not found: run scripts/setup.sh (it installs Debian's rabbitmq-server).");
        }

        var broker = new RabbitMqBroker(TestPaths.CreateTempFolder("rabbitmq"));
        try
        {
            await broker.StartAgainAsync();
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>Starts the node (again, after <see cref="StopAsync"/>) with the same ports and data.</summary>
    public async Task StartAgainAsync()
    {
        var log = Path.Combine(_directory, $"server-{++_starts}.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {Server} >'{log}' 2>&1");
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        var factory = new ConnectionFactory { Uri = Uri, AutomaticRecoveryEnabled = false };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"rabbitmq-server exited with {_process.ExitCode}: {await File.ReadAllTextAsync(log)}");
            }

            try
            {
                await using var connection = await factory.CreateConnectionAsync();
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Stops the node the way a service manager does (SIGTERM to the Erlang VM: a clean shutdown) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        var pidFile = _environment["RABBITMQ_PID_FILE"];
        var pid = File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var vm) ? vm : _process.Id;
        using (var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        StopAsync().GetAwaiter().GetResult();
        try
        {
            // The node started its own epmd on its private port; end it.
            var start = new ProcessStartInfo("epmd", "-kill") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ERL_EPMD_PORT"] = _environment["ERL_EPMD_PORT"];
            using var epmd = Process.Start(start);
            epmd?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: nothing was started by that name.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
