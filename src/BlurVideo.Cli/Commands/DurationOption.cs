using System.CommandLine;
using System.Globalization;

namespace BlurVideo.Cli.Commands;

/// <summary><c>--duration SECONDS</c>: a finite time between 1 ms and the longest a timer can wait (about 49 days).</summary>
internal static class DurationOption
{
    public const double MinimumSeconds = 0.001;

    /// <summary>The longest <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> accepts, in whole seconds.</summary>
    public const double MaximumSeconds = 4_294_967;

    public static Option<double?> Create(string description)
    {
        var duration = new Option<double?>("--duration") { Description = description, HelpName = "SECONDS" };
        duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } seconds && !(seconds is >= MinimumSeconds and <= MaximumSeconds))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--duration takes a number of seconds from {MinimumSeconds} to {MaximumSeconds} (about 49 days), not {seconds}."));
            }
        });
        return duration;
    }
}
