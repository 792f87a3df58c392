using System.Runtime.InteropServices;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// Turns SIGINT (Ctrl+C), SIGTERM and SIGHUP (terminal or SSH closed) into one cancellation token, so that every
/// command stops the same way: it finishes its outputs and exits with 130 (INT) or 143 (TERM, HUP). A second signal
/// ends the process at once.
/// </summary>
/// <remarks>
/// System.CommandLine's own handling covers INT and TERM only and kills the process 2 s after the signal, which
/// cuts off a run whose outputs are still being finished (a stalled stream read used to end that way).
/// </remarks>
internal sealed class CliSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public CliSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The exit code of a command that reported <see cref="ExitCodes.Interrupted"/>: 143 when TERM or HUP stopped it.</summary>
    public int ExitCodeFor(int exitCode) =>
        exitCode == ExitCodes.Interrupted && (PosixSignal)Volatile.Read(ref _received) is PosixSignal.SIGTERM or PosixSignal.SIGHUP
            ? ExitCodes.Terminated
            : exitCode;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _received, (int)context.Signal, 0) != 0)
        {
            return; // the second signal takes its default action: the process ends now
        }

        context.Cancel = true;
        _stop.Cancel();
    }
}
