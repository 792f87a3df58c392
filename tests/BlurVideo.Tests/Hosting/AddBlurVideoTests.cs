using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BlurVideo.Hosting;
using BlurVideo.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace BlurVideo.Tests.Hosting;

[TestFixture]
public sealed class AddBlurVideoTests
{
    [Test]
    public async Task AddBlurVideo_wires_the_options_the_hosts_logger_factory_and_its_meter_factory()
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddMetrics()
            .AddBlurVideo(options =>
            {
                options.Detector = new BlurDetectorOptions { Model = CliRun.TinyModel, Provider = ExecutionProvider.Cpu };
                options.Pipeline = new BlurPipelineOptions { Smoothing = TemporalSmoothingOptions.Disabled };
            });
        await using var provider = services.BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        var framesFromTheHostsMeter = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Interlocked.Add(ref framesFromTheHostsMeter, value));
        listener.Start();

        var detector = provider.GetRequiredService<BlurDetector>();
        await using (var pipeline = provider.GetRequiredService<BlurPipelineFactory>().Create(
                         new SyntheticFocusPullSource(new SyntheticSceneOptions { Width = 64, Height = 48 }, frameCount: 5)))
        {
            await foreach (var result in pipeline.RunAsync())
            {
                result.Dispose();
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(detector.Model.Name, Is.EqualTo("tiny_blur"), "the configured detector options");
            Assert.That(logs.Categories, Does.Contain(typeof(BlurDetector).FullName), "the detector logs to the host's logger factory");
            Assert.That(framesFromTheHostsMeter, Is.GreaterThan(0), "the pipeline's counters come from the host's meter factory");
        });
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentBag<string> Categories { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Categories.Add(category);
        }
    }
}
