using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlurVideo.Cli.Commands;
using BlurVideo.Cli.Queue;
using BlurVideo.Cli.Report;
using BlurVideo.Tests.Cli;
using BlurVideo.Tests.Report;
using NUnit.Framework;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BlurVideo.Tests.Queue;

/// <summary>
/// <c>blurvideo queue submit</c>, <c>queue status</c> and <c>blurvideo worker</c> on a real RabbitMQ node: 20 synthetic
/// clips and an undecodable file through three worker processes (the built command), one killed with SIGKILL in the
/// middle of a job, and the broker restarted while they work.
/// </summary>
[TestFixture]
[Category("Broker")]
[NonParallelizable]
public sealed partial class QueueTests
{
    private const int ClipCount = 20;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private readonly List<WorkerProcess> _workers = [];
    private RabbitMqBroker? _broker;
    private string _folder = "";

    [OneTimeSetUp]
    public async Task StartTheBroker()
    {
        _folder = TestPaths.CreateTempFolder("queue");
        _broker = await RabbitMqBroker.StartAsync();
    }

    [OneTimeTearDown]
    public void StopEverything()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _broker?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Twenty_clips_through_three_workers_one_killed_and_the_broker_restarted_give_every_report_once_and_dead_letter_the_broken_file()
    {
        var broker = _broker!.Uri.ToString();
        var input = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        var output = Path.Combine(_folder, "out");
        for (var i = 0; i < ClipCount; i++)
        {
            // Lengths differ, so every clip has its own content hash (job id).
            TestClips.SyntheticStill(Path.Combine(input, $"clip{i:D2}.mp4"), 6 + i);
        }

        await File.WriteAllTextAsync(Path.Combine(input, "broken.mp4"), "not a video");
        await using var results = await ResultListener.StartAsync(_broker.Uri);

        var submit = await InvokeAsync("queue", "submit", input, "-o", output, "--broker", broker, "--model", CliRun.TinyModel);
        Assert.That(submit.ExitCode, Is.Zero, submit.Error);
        var jobIds = JobIds().Matches(submit.Output).ToDictionary(match => match.Groups["name"].Value, match => match.Groups["id"].Value);
        Assert.That(jobIds, Has.Count.EqualTo(ClipCount + 1), submit.Output);

        for (var i = 0; i < 3; i++)
        {
            _workers.Add(WorkerProcess.Start(broker));
        }

        // SIGKILL the first worker in the middle of a clip's job (the broken file fails on its own, and which job a
        // worker takes first is a race): once its temporary output folder for a clip appears, the worker is paused
        // (SIGSTOP) and, if that folder is still there (the job not moved into place, its result not published), killed;
        // otherwise it goes on (SIGCONT) until its next clip.
        var victim = _workers[0];
        string? killedJob = null;
        while (killedJob is null)
        {
            var partial = await WaitForAsync(() => Directory.Exists(output)
                ? Directory.EnumerateDirectories(output, $".clip*.{victim.Id}-*.partial").FirstOrDefault()
                : null, "the first worker starting a clip's job");
            victim.Signal("STOP");
            if (Directory.Exists(partial))
            {
                killedJob = Path.GetFileName(partial);
                victim.Kill();
            }
            else
            {
                victim.Signal("CONT");
            }
        }

        var killedJobId = jobIds.Values.Single(id => killedJob.Contains(id, StringComparison.Ordinal));

        // Restart the broker once some results are in.
        await WaitForAsync(() => results.Done.Count >= 4 ? "" : null, "four results");
        await _broker.StopAsync();
        await _broker.StartAgainAsync();

        await WaitForAsync(() => results.Done.Count >= ClipCount && results.Failed.Count >= 1 ? "" : null, "every result", () => $"{results.Describe()}\n{string.Join("\n", _workers.Select(worker => worker.Output))}");
        // Every job has its result, so no worker may still count one as running: at most a redelivered copy of a
        // finished job is being acknowledged (milliseconds). Before the fix, a job whose run straddled the restart
        // stayed "running" (and held its worker's only slot) until a 30 s publish timeout.
        var status = await InvokeAsync("queue", "status", "--broker", broker);
        for (var tries = 0; tries < 5 && !Regex.IsMatch(status.Output, @"running +0\n"); tries++)
        {
            await Task.Delay(1000);
            status = await InvokeAsync("queue", "status", "--broker", broker);
        }

        var clipIds = jobIds.Where(pair => pair.Key != "broken.mp4").Select(pair => pair.Value).ToHashSet();
        var outputs = Directory.GetDirectories(output);
        Assert.Multiple(() =>
        {
            var doneIds = results.Done.Select(result => result.JobId).ToArray();
            Assert.That(doneIds.Distinct(), Is.EquivalentTo(clipIds), "a done result for every clip");
            // Results are published at least once: one whose confirmation the restarting broker never sent is published again.
            Assert.That(doneIds, Has.Length.LessThanOrEqualTo(ClipCount + 2), $"results twice only around the restart\n{string.Join("\n", _workers.Select(worker => worker.Output))}");
            Assert.That(results.Done.Single(result => result.JobId == killedJobId).Worker, Does.Not.EndWith($":{victim.Id}"), "the killed worker's job was finished by another");
            Assert.That(outputs.Select(Path.GetFileName), Is.EquivalentTo(Enumerable.Range(0, ClipCount).Select(i => $"clip{i:D2}.mp4")),
                "one output folder per clip, no temporary folder left");
            foreach (var folder in outputs)
            {
                var job = CliRun.ReadJson(Path.Combine(folder, "job.json"));
                Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("done"));
                Assert.That(job.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()).ToArray(),
                    Does.Contain("segments.json").And.Contain("report.html").And.Contain("segments.csv"));
                var report = CliRun.ReadJson(Path.Combine(folder, "segments.json")).GetProperty("files")[0];
                Assert.That(report.GetProperty("frames").GetInt64(), Is.EqualTo(6 + int.Parse(Path.GetFileName(folder)[4..6], System.Globalization.CultureInfo.InvariantCulture)));
            }

            var failed = results.Failed.Single();
            Assert.That(failed.JobId, Is.EqualTo(jobIds["broken.mp4"]));
            Assert.That(failed.Attempt, Is.EqualTo(QueueTopology.MaxAttempts));
            Assert.That(failed.Error, Does.Contain("broken.mp4"));
            Assert.That(status.Output, Does.Match(@"queued +0\n").And.Match(@"running +0\n").And.Match($@"done +{results.Done.Count}\n").And.Match(@"failed +1\n").And.Match(@"workers +2\n"));
            Assert.That(status.Output, Does.Match(@"failed: broken\.mp4: .*cannot decode"));
            // Both survivors reconnected and went on running jobs (over a dozen were left when the broker went down);
            // before the fix a worker whose only slot was taken by a job of the lost connection did none for 30 s.
            foreach (var worker in _workers.Skip(1))
            {
                var reconnected = worker.Output.IndexOf("reconnected to the broker", StringComparison.Ordinal);
                Assert.That(reconnected, Is.GreaterThan(0), $"worker {worker.Id} reconnected:\n{worker.Output}");
                Assert.That(worker.Output[Math.Max(0, reconnected)..], Does.Match(@"worker: done clip\d\d\.mp4"), $"worker {worker.Id} ran a job after reconnecting:\n{worker.Output}");
            }
        });

        // Every job finished (done or dead-lettered), so none is marked as queued any more: each may be submitted again.
        foreach (var (name, id) in jobIds)
        {
            Assert.That(await ExchangeExistsAsync(QueueTopology.QueuedMark(id)), Is.False, $"{name}'s queued mark is gone");
        }

        // The dead letter keeps the job and the reason.
        var deadLetter = await GetOneAsync(QueueTopology.Failed);
        Assert.That(QueueClient.DeadLetterReason(deadLetter.BasicProperties), Does.Contain("cannot decode"));

        // A duplicate delivery of a finished job is acknowledged without redoing it or publishing its result again ...
        var resultCount = results.Done.Count;
        var first = Path.Combine(output, "clip00.mp4", "job.json");
        var before = await File.ReadAllTextAsync(first);
        // The job as submit made it (the default report options, the tiny model): the same job id.
        var job = QueueJob.Create(Path.Combine(input, "clip00.mp4"), output, new ReportSettings { Input = input, OutputDirectory = output, Model = CliRun.TinyModel });
        Assert.That(job.JobId, Is.EqualTo(CliRun.ReadJson(first).GetProperty("job_id").GetString()));
        var duplicate = $"clip00.mp4 ({job.JobId}) is already done";
        int Duplicates() => _workers.Skip(1).Sum(worker => Regex.Count(worker.Output, Regex.Escape(duplicate)));
        var duplicatesBefore = Duplicates();
        await PublishJobAsync(job);
        await WaitForAsync(() => Duplicates() > duplicatesBefore ? "" : null, "the duplicate");
        // ... and a resubmission is recognised and not queued.
        var again = await InvokeAsync("queue", "submit", Path.Combine(input, "clip01.mp4"), "-o", output, "--broker", broker, "--model", CliRun.TinyModel);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(first), Is.EqualTo(before), "the output was not redone");
            Assert.That(results.Done, Has.Count.EqualTo(resultCount), "no result for the duplicate");
            Assert.That(again.Output, Does.Contain("clip01.mp4: already done").And.Contain("0 job(s) queued, 1 already done, 0 already queued."));
        });
    }

    [Test]
    public async Task A_broker_that_cannot_be_reached_or_a_bad_address_is_one_line_and_exit_code_1()
    {
        var unreachable = await InvokeAsync("queue", "status", "--broker", "amqp://guest:guest@127.0.0.1:1/");
        var bad = await InvokeAsync("queue", "status", "--broker", "http://localhost/");
        Assert.Multiple(() =>
        {
            Assert.That(unreachable.ExitCode, Is.EqualTo(1));
            Assert.That(unreachable.Error.Trim(), Does.StartWith("blurvideo queue status: Cannot reach the broker at amqp://127.0.0.1:1/").And.Not.Contain("\n"));
            Assert.That(unreachable.Error, Does.Not.Contain("guest"), "no password in messages");
            Assert.That(bad.ExitCode, Is.EqualTo(1));
            Assert.That(bad.Error, Does.Contain("--broker takes amqp://"));
        });
    }

    [GeneratedRegex(@"^(?<name>\S+): queued \((?<id>[0-9a-f]{32})\)$", RegexOptions.Multiline)]
    private static partial Regex JobIds();

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { QueueCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static async Task<string> WaitForAsync(Func<string?> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            if (condition() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}. {state?.Invoke()}");
            }

            await Task.Delay(20);
        }
    }

    private async Task PublishJobAsync(QueueJob job)
    {
        await using var connection = await new ConnectionFactory { Uri = _broker!.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.BasicPublishAsync("", QueueTopology.Jobs, false, new BasicProperties { Persistent = true, MessageId = job.JobId }, job.ToBytes());
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

    private async Task<BasicGetResult> GetOneAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = _broker!.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(message, Is.Not.Null, $"a message in {queue}");
        return message!;
    }

    /// <summary>Subscribes to the results exchange (as another system would) and collects the result messages.</summary>
    private sealed class ResultListener : IAsyncDisposable
    {
        private readonly IConnection _connection;
        private readonly ConcurrentQueue<JobResult> _done = new();
        private readonly ConcurrentQueue<JobResult> _failed = new();

        private ResultListener(IConnection connection) => _connection = connection;

        public IReadOnlyCollection<JobResult> Done => [.. _done];

        public IReadOnlyCollection<JobResult> Failed => [.. _failed];

        public static async Task<ResultListener> StartAsync(Uri broker)
        {
            var connection = await new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromSeconds(1) }.CreateConnectionAsync();
            var listener = new ResultListener(connection);
            var channel = await connection.CreateChannelAsync();
            await QueueTopology.DeclareAsync(channel, CancellationToken.None);
            // Durable, so that results published while the broker restarts are kept for this subscriber.
            var queue = $"blurvideo.test.results.{Guid.NewGuid():N}";
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, QueueTopology.Results, "#");
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, message) =>
            {
                var result = JsonSerializer.Deserialize<JobResult>(message.Body.Span, QueueJob.Json)!;
                (result.Status == "done" ? listener._done : listener._failed).Enqueue(result);
                await channel.BasicAckAsync(message.DeliveryTag, false);
            };
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            return listener;
        }

        public string Describe() => $"{_done.Count} done, {_failed.Count} failed results.";

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }

    /// <summary>A <c>blurvideo worker</c> process (the built command) with its output collected.</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private WorkerProcess(Process process) => _process = process;

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

        public static WorkerProcess Start(string broker)
        {
            var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            var cli = Path.Combine(TestPaths.RepositoryRoot, "src", "BlurVideo.Cli", "bin", testDirectory.Parent!.Name, testDirectory.Name, "BlurVideo.Cli.dll");
            Assert.That(File.Exists(cli), Is.True, $"the command is built with the tests: {cli}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { cli, "worker", "--broker", broker })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var worker = new WorkerProcess(process);
            process.OutputDataReceived += (_, line) => worker.Append(line.Data);
            process.ErrorDataReceived += (_, line) => worker.Append(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return worker;
        }

        /// <summary>Sends a signal (STOP, CONT) to the worker.</summary>
        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {_process.Id}");
        }

        /// <summary>SIGKILL: no chance to hand anything back.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            TestContext.Out.WriteLine($"worker {_process.Id}:\n{Output}");
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
