using System.Runtime.InteropServices;

namespace BlurVideo.Cli.Commands;

/// <summary>
/// Native calls (a stalled stream read or open) left running when a command stopped. The process must not run its
/// normal teardown under them: FFmpeg and OpenCV would be torn down while the call is inside them (a heap corruption
/// and SIGABRT, seen), so <see cref="ExitNow"/> ends the process without it once the outputs are closed.
/// </summary>
internal static partial class AbandonedCalls
{
    private static int _pending;

    public static bool Any => Volatile.Read(ref _pending) > 0;

    /// <summary>Counts <paramref name="call"/> as abandoned until it returns.</summary>
    public static void Track(Task call)
    {
        Interlocked.Increment(ref _pending);
        call.ContinueWith(static _ => Interlocked.Decrement(ref _pending), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Flushes the console and ends the process with <paramref name="exitCode"/>, skipping the runtime's and the native libraries' teardown.</summary>
    public static void ExitNow(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Exit(exitCode);
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
