using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BlurVideo.Tests.Cli;

/// <summary>Live network streams for the command-line tests: an endless paced MPEG-TS stream over UDP.</summary>
internal static class TestStreams
{
    public static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    /// <summary>An endless 25 fps MPEG-TS stream to 127.0.0.1:<paramref name="port"/> until it is killed.</summary>
    public static Process StartUdpSender(int port)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[]
                 {
                     "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25",
                     "-c:v", "mpeg2video", "-g", "5", "-f", "mpegts", $"udp://127.0.0.1:{port}?pkt_size=1316",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
