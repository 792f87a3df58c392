namespace BlurVideo.Cli.Commands;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it); the outputs hold what was done.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM or SIGHUP (128 + SIGTERM); the outputs hold what was done, as after Ctrl+C.</summary>
    public const int Terminated = 143;
}
