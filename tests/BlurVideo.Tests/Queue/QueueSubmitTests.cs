using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using BlurVideo.Cli.Commands;
using BlurVideo.Cli.Queue;
using BlurVideo.Cli.Report;
using BlurVideo.Tests.Cli;
using BlurVideo.Tests.Report;
using NUnit.Framework;
using RabbitMQ.Client;

namespace BlurVideo.Tests.Queue;

/// <summary>
/// <c>blurvideo queue submit</c> on a real RabbitMQ node (its own, so that the counts of <see cref="QueueTests"/> are
/// not touched): a URL input, and a job submitted again while it is still queued.
/// </summary>
[TestFixture]
[Category("Broker")]
[NonParallelizable]
public sealed class QueueSubmitTests
{
    private RabbitMqBroker? _broker;
    private string _folder = "";

    [OneTimeSetUp]
    public async Task StartTheBroker()
    {
        _folder = TestPaths.CreateTempFolder("queue-submit");
        _broker = await RabbitMqBroker.StartAsync();
    }

    [OneTimeTearDown]
    public void StopEverything()
    {
        _broker?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_url_and_a_file_submitted_twice_while_queued_are_queued_once_and_the_url_is_reported_from_its_stream()
    {
        var broker = _broker!.Uri.ToString();
        var input = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        var output = Path.Combine(_folder, "out");
        var file = TestClips.SyntheticStill(Path.Combine(input, "local.mp4"), 9);
        var served = TestClips.SyntheticStill(Path.Combine(_folder, "served.mp4"), 12);
        using var server = RangeFileServer.Start(served);
        var url = $"{server.Prefix}takes/take%201.mp4?token=abc";

        var first = await InvokeAsync("queue", "submit", file, url, "-o", output, "--broker", broker, "--model", CliRun.TinyModel);
        var again = await InvokeAsync("queue", "submit", url, file, "-o", output, "--broker", broker, "--model", CliRun.TinyModel);

        // The URL's job id comes from the URL string (the same URL again is the same job), the file's from its content.
        var settings = new ReportSettings { Input = url, OutputDirectory = output, Model = CliRun.TinyModel };
        var urlJob = QueueJob.Create(url, output, settings);
        var fileJob = QueueJob.Create(file, output, settings with { Input = file });
        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.Error);
            Assert.That(first.Output, Does.Contain($"take 1.mp4: queued ({urlJob.JobId})").And.Contain($"local.mp4: queued ({fileJob.JobId})")
                .And.Contain("2 job(s) queued, 0 already done, 0 already queued."));
            Assert.That(urlJob.ContentSha256, Is.Null);
            Assert.That(urlJob.OutputDirectory, Is.EqualTo(Path.Combine(Path.GetFullPath(output), "take 1.mp4")));
            Assert.That(QueueJob.Create($"{server.Prefix}takes/take%202.mp4?token=abc", output, settings).JobId, Is.Not.EqualTo(urlJob.JobId));
            Assert.That(again.ExitCode, Is.Zero, again.Error);
            Assert.That(again.Output, Does.Contain($"take 1.mp4: already queued ({urlJob.JobId})").And.Contain($"local.mp4: already queued ({fileJob.JobId})")
                .And.Contain("0 job(s) queued, 0 already done, 2 already queued."));
        });
        Assert.That(await MessageCountAsync(QueueTopology.Jobs), Is.EqualTo(2), "each job once in the queue");

        // A worker reports the URL from the stream (range requests, as FFmpeg makes them) and the file.
        using var log = new StringWriter();
        using var stop = new CancellationTokenSource();
        using var worker = new QueueWorker(_broker.Uri, 1, log);
        var running = worker.RunAsync(stop.Token);
        var urlResult = Path.Combine(urlJob.OutputDirectory, JobResult.FileName);
        var fileResult = Path.Combine(fileJob.OutputDirectory, JobResult.FileName);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!(JobResult.IsPublished(urlJob.OutputDirectory) && JobResult.IsPublished(fileJob.OutputDirectory)) && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await running;
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(urlResult) && File.Exists(fileResult), Is.True, log.ToString());
            var job = CliRun.ReadJson(urlResult);
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("done"), log.ToString());
            Assert.That(job.GetProperty("input").GetString(), Is.EqualTo(url));
            var report = CliRun.ReadJson(Path.Combine(urlJob.OutputDirectory, "segments.json")).GetProperty("files")[0];
            Assert.That(report.GetProperty("frames").GetInt64(), Is.EqualTo(12));
            Assert.That(server.RangeRequests, Is.GreaterThan(0), "FFmpeg read the URL");
        });

        // Finished, the jobs are not queued again: done, and their queued marks are gone.
        var third = await InvokeAsync("queue", "submit", url, file, "-o", output, "--broker", broker, "--model", CliRun.TinyModel);
        Assert.That(third.Output, Does.Contain("take 1.mp4: already done").And.Contain("local.mp4: already done").And.Contain("0 job(s) queued, 2 already done, 0 already queued."));
        foreach (var job in new[] { urlJob, fileJob })
        {
            Assert.That(await ExchangeExistsAsync(QueueTopology.QueuedMark(job.JobId)), Is.False, "the worker deleted the queued mark");
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { QueueCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<uint> MessageCountAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = _broker!.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    private async Task<bool> ExchangeExistsAsync(string exchange)
    {
        await using var connection = await new ConnectionFactory { Uri = _broker!.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    /// <summary>Serves one file at every path of a loopback HTTP prefix, with byte ranges (FFmpeg seeks an MP4 over HTTP with them).</summary>
    private sealed class RangeFileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _content;
        private int _rangeRequests;

        private RangeFileServer(string path, string prefix)
        {
            _content = File.ReadAllBytes(path);
            Prefix = prefix;
            _listener.Prefixes.Add(prefix);
        }

        public string Prefix { get; }

        public int RangeRequests => Volatile.Read(ref _rangeRequests);

        public static RangeFileServer Start(string path)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var server = new RangeFileServer(path, $"http://127.0.0.1:{port}/");
            server._listener.Start();
            _ = Task.Run(server.ServeAsync);
            return server;
        }

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                // Each request on its own: FFmpeg opens a ranged request while an earlier one is still open.
                _ = Task.Run(() =>
                {
                    try
                    {
                        Serve(context);
                    }
                    catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
                    {
                        // The reader went away (FFmpeg closes a connection once it has what it wants).
                    }
                });
            }
        }

        private void Serve(HttpListenerContext context)
        {
            var response = context.Response;
            long start = 0, end = _content.Length - 1;
            var range = context.Request.Headers["Range"];
            response.Headers["Accept-Ranges"] = "bytes";
            if (range is { } text && text.StartsWith("bytes=", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _rangeRequests);
                var bounds = text["bytes=".Length..].Split('-');
                start = long.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
                if (bounds[1].Length > 0)
                {
                    end = Math.Min(end, long.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture));
                }

                if (start >= _content.Length)
                {
                    response.StatusCode = 416;
                    response.Headers["Content-Range"] = $"bytes */{_content.Length}";
                    response.Close();
                    return;
                }

                response.StatusCode = 206;
                response.Headers["Content-Range"] = $"bytes {start}-{end}/{_content.Length}";
            }

            response.ContentType = "video/mp4";
            response.ContentLength64 = end - start + 1;
            if (context.Request.HttpMethod != "HEAD")
            {
                response.OutputStream.Write(_content, (int)start, (int)(end - start + 1));
            }

            response.Close();
        }
    }
}
