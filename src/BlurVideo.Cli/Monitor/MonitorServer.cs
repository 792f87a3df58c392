using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BlurVideo.Focus;
using BlurVideo.Imaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlurVideo.Cli.Monitor;

/// <summary>
/// The monitor's web server (Kestrel): <c>GET /</c> serves the page, <c>/ws</c> a WebSocket that sends each new frame
/// (a JSON text message with the figures, then the RGBA pixels) and takes the page's commands (overlay options,
/// peak reset, display acknowledgements). With a token, every request must carry it (<c>?token=</c> or
/// <c>Authorization: Bearer</c>) or is refused with 401.
/// </summary>
internal sealed class MonitorServer : IAsyncDisposable
{
    /// <summary>Viewers at a time; more get 503.</summary>
    public const int MaxViewers = 4;

    private const int MaxCommandBytes = 256;
    private readonly MonitorFeed _feed;
    private readonly string? _token;
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _viewers;

    private MonitorServer(MonitorFeed feed, IPAddress address, int port, string? token)
    {
        _feed = feed;
        _token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.Limits.MaxConcurrentConnections = 32;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.AddServerHeader = false;
        });
        _app = builder.Build();
        _app.Use(RequireToken);
        _app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        _app.MapGet("/", () => Results.Content(MonitorPage.Html, "text/html; charset=utf-8"));
        _app.Map("/ws", ServeViewerAsync);
    }

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts listening; <paramref name="port"/> 0 picks a free port (see <see cref="Address"/>).</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, or not an address of this machine).</exception>
    public static async Task<MonitorServer> StartAsync(MonitorFeed feed, IPAddress address, int port, string? token, CancellationToken cancellationToken)
    {
        var server = new MonitorServer(feed, address, port, token);
        try
        {
            await server._app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Cannot listen on {address}:{port}: {ex.Message}", ex);
        }

        var bound = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        server.Address = new Uri((bound ?? $"http://{address}:{port}") + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Viewers that did not close in time are cut off.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RequireToken(HttpContext context, RequestDelegate next)
    {
        if (_token is not null && !HasToken(context.Request, _token))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("A token is required: add ?token=... to the address.\n").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    internal static bool HasToken(HttpRequest request, string token)
    {
        string? given = request.Query["token"];
        var authorization = request.Headers.Authorization.ToString();
        if (given is null && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            given = authorization["Bearer ".Length..];
        }

        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }

    private async Task ServeViewerAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (Interlocked.Increment(ref _viewers) > MaxViewers)
        {
            Interlocked.Decrement(ref _viewers);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var frames = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        void OnFrame() => frames.Writer.TryWrite(true);
        _feed.Subscribe(OnFrame);
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            var receiving = ReceiveCommandsAsync(socket, stop);
            frames.Writer.TryWrite(true);
            await SendFramesAsync(socket, frames.Reader, stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await receiving.ConfigureAwait(false);
        }
        finally
        {
            _feed.Unsubscribe(OnFrame);
            Interlocked.Decrement(ref _viewers);
        }
    }

    private async Task SendFramesAsync(WebSocket socket, ChannelReader<bool> frames, CancellationToken cancellationToken)
    {
        var pixels = Array.Empty<byte>();
        var events = new FocusStateChange[MonitorFeed.MaxEvents];
        var zones = new float[_feed.FocusOptions.GridColumns * _feed.FocusOptions.GridRows];
        var json = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(json);
        long shown = 0;
        string? endSent = null;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                await frames.ReadAsync(cancellationToken).ConfigureAwait(false);
                var fresh = _feed.TryCopyLatest(shown, ref pixels, out var info, events, out var eventCount, zones);
                var end = _feed.EndReason;
                if (!fresh && ReferenceEquals(end, endSent))
                {
                    continue;
                }

                json.ResetWrittenCount();
                writer.Reset(json);
                WriteStatus(writer, info, events.AsSpan(0, Math.Min(eventCount, events.Length)), eventCount, zones, _feed.FocusOptions.GridColumns, _feed.Overlay, end, fresh);
                await socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                if (fresh)
                {
                    await socket.SendAsync(pixels.AsMemory(), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
                    shown = info.Version;
                }

                endSent = end;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ChannelClosedException)
        {
            // The page went away or the server stops.
        }
    }

    private async Task ReceiveCommandsAsync(WebSocket socket, CancellationTokenSource stop)
    {
        var buffer = new byte[MaxCommandBytes];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), stop.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (!received.EndOfMessage || received.MessageType != WebSocketMessageType.Text)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "commands are short text messages", stop.Token).ConfigureAwait(false);
                    break;
                }

                var message = buffer.AsSpan(0, received.Count);
                if (message.StartsWith("shown "u8) && Utf8Parser.TryParse(message["shown "u8.Length..], out long captured, out var used) && used == message.Length - "shown "u8.Length)
                {
                    _feed.RecordDisplayed(captured);
                }
                else
                {
                    MonitorCommands.Apply(_feed, Encoding.UTF8.GetString(message));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closed by either side.
        }

        await stop.CancelAsync().ConfigureAwait(false);
    }

    private static void WriteStatus(
        Utf8JsonWriter writer, in MonitorFrameInfo info, ReadOnlySpan<FocusStateChange> events, int eventCount, ReadOnlySpan<float> zones,
        int columns, OverlayOptions overlay, string? end, bool fresh)
    {
        var reading = info.Reading;
        writer.WriteStartObject();
        writer.WriteBoolean("fresh", fresh);
        writer.WriteNumber("width", info.Width);
        writer.WriteNumber("height", info.Height);
        writer.WriteNumber("frame", reading.FrameIndex);
        Span<char> capture = stackalloc char[20];
        info.CaptureTimestamp.TryFormat(capture, out var captureLength, provider: CultureInfo.InvariantCulture);
        writer.WriteString("capture", capture[..captureLength]);
        writer.WriteNumber("score", reading.Score);
        writer.WriteNumber("peak", reading.PeakScore);
        writer.WriteNumber("peakFrame", reading.PeakFrameIndex);
        writer.WriteNumber("peakTime", reading.PeakTimestamp.TotalSeconds);
        writer.WriteNumber("belowPeak", reading.BelowPeak);
        writer.WriteString("trend", TrendName(reading.Trend));
        writer.WriteString("state", StateName(reading.State));
        writer.WriteNumber("fps", Math.Round(info.FramesPerSecond, 1));
        writer.WriteNumber("ageMs", Math.Round(info.AgeMs, 1));
        writer.WriteNumber("displayP50Ms", Math.Round(info.Display?.P50Ms ?? 0, 1));
        writer.WriteNumber("displayP95Ms", Math.Round(info.Display?.P95Ms ?? 0, 1));
        writer.WriteNumber("events", eventCount);
        writer.WriteStartArray("recentEvents");
        foreach (var change in events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("frame", change.FrameIndex);
            writer.WriteNumber("time", change.SourceTimestamp.TotalSeconds);
            writer.WriteString("to", StateName(change.To));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("zones");
        foreach (var zone in zones)
        {
            writer.WriteNumberValue(Math.Round(zone, 3));
        }

        writer.WriteEndArray();
        writer.WriteNumber("columns", columns);
        writer.WriteStartObject("options");
        writer.WriteString("mode", MonitorCommands.ModeName(overlay.Mode));
        writer.WriteString("background", MonitorCommands.BackgroundName(overlay.Background));
        writer.WriteNumber("color", overlay.PeakingColor);
        writer.WriteNumber("threshold", overlay.PeakingThreshold);
        writer.WriteNumber("percentile", overlay.PeakingPercentile ?? 0);
        writer.WriteNumber("opacity", overlay.HeatmapOpacity);
        writer.WriteNumber("zoom", overlay.Magnification);
        writer.WriteBoolean("grid", overlay.ZoneGrid);
        writer.WriteEndObject();
        if (end is not null)
        {
            writer.WriteString("ended", end);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    private static string TrendName(FocusTrend trend) => trend switch
    {
        FocusTrend.Sharper => "sharper",
        FocusTrend.Softer => "softer",
        _ => "steady",
    };

    private static string StateName(FocusState state) => state switch
    {
        FocusState.InFocus => "in focus",
        FocusState.OutOfFocus => "out of focus",
        _ => "unknown",
    };
}
