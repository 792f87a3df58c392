using System.Net;
using BlurVideo.Focus;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline;

namespace BlurVideo.Cli.Monitor;

/// <summary>Where and how the monitor serves.</summary>
internal sealed record MonitorOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Required on any address but 127.0.0.1 and ::1; when set, every request needs it.</summary>
    public string? Token { get; init; }

    public OverlayOptions Overlay { get; init; } = new() { Mode = OverlayMode.Peaking };

    /// <summary>Off by default: on a focus pull the smoother's history holds the meter's peak back by about two frames.</summary>
    public TemporalSmoothingOptions Smoothing { get; init; } = TemporalSmoothingOptions.Disabled;

    /// <summary>Null = the source's default (live sources drop late frames).</summary>
    public LatencyPolicy? Latency { get; init; }

    /// <summary>Whether serving on <paramref name="address"/> needs a token: on every address but the default loopback ones.</summary>
    public static bool RequiresToken(IPAddress address) => !address.Equals(IPAddress.Loopback) && !address.Equals(IPAddress.IPv6Loopback);
}

/// <summary>The running monitor: pipeline, feed and web server. Disposing stops all three.</summary>
internal sealed class MonitorHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly BlurPipeline _pipeline;
    private MonitorServer? _server;
    private Task _feeding = Task.CompletedTask;

    private MonitorHost(IFrameSource source, IBlurInference inference, MonitorOptions options)
    {
        Feed = new MonitorFeed(options.Overlay);
        _pipeline = new BlurPipeline(source, inference, new BlurPipelineOptions { Latency = options.Latency, Smoothing = options.Smoothing });
    }

    public MonitorFeed Feed { get; }

    /// <summary>The page's address (with the token when there is one).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Ends when the source has ended or failed (the page keeps serving the last frame).</summary>
    public Task Feeding => _feeding;

    /// <summary>Starts the pipeline and the server; the source is disposed with the host.</summary>
    /// <exception cref="ArgumentException">A token is required on this address and none was given.</exception>
    /// <exception cref="IOException">The address cannot be bound.</exception>
    public static async Task<MonitorHost> StartAsync(IFrameSource source, IBlurInference inference, MonitorOptions options, CancellationToken cancellationToken)
    {
        if (MonitorOptions.RequiresToken(options.Bind) && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException($"Serving on {options.Bind} needs --token (only 127.0.0.1 and ::1 are served without one).", nameof(options));
        }

        var host = new MonitorHost(source, inference, options);
        try
        {
            host._server = await MonitorServer.StartAsync(host.Feed, options.Bind, options.Port, options.Token, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        host.Address = options.Token is null ? host._server.Address : new Uri(host._server.Address, "?token=" + Uri.EscapeDataString(options.Token));
        host._feeding = host.Feed.RunAsync(host._pipeline, host._stop.Token);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _feeding.ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        await _pipeline.DisposeAsync().ConfigureAwait(false);
        Feed.Dispose();
        _stop.Dispose();
    }
}
