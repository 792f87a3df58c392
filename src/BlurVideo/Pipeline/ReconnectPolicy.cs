namespace BlurVideo.Pipeline;

/// <summary>How a failed live source is reopened: exponential backoff between attempts.</summary>
public sealed record ReconnectPolicy
{
    public static ReconnectPolicy Default { get; } = new();

    /// <summary>Delay before the first reopen attempt after a failure.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of the delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Factor applied to the delay after each failed attempt.</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Consecutive failed attempts after which the pipeline gives up and throws; null = never give up.</summary>
    public int? MaxAttempts { get; init; }

    internal TimeSpan DelayForAttempt(int attempt)
    {
        var delay = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxDelay.TotalMilliseconds));
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(Multiplier, 1.0, nameof(Multiplier));
        if (MaxAttempts is { } attempts)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempts, nameof(MaxAttempts));
        }
    }
}
