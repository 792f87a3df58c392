namespace BlurVideo.Cli.Commands;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int NotYetAvailable = 3;
}
