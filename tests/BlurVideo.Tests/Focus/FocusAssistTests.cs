using NUnit.Framework;

namespace BlurVideo.Tests.Focus;

[TestFixture]
public sealed class FocusAssistTests
{
    private const int Size = 12;

    [Test]
    public void Zone_scores_are_the_sharpness_of_each_grid_cell_row_by_row()
    {
        // Blurred left third; the right third's bottom row of cells half blurred.
        var map = new float[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                map[(y * Size) + x] = x < 4 ? 1f : (x >= 8 && y >= 8 ? 0.5f : 0f);
            }
        }

        var assist = new FocusAssist();
        assist.Update(map, Size, Size, 0, TimeSpan.Zero);

        float[] expected = [0f, 1f, 1f, 0f, 1f, 1f, 0f, 1f, 0.5f];
        Assert.That(assist.ZoneScores.ToArray(), Is.EqualTo(expected).Within(1e-6f));
        Assert.That(assist.Current.Score, Is.EqualTo(1f - (6.5f / 36f)).Within(1e-6f), "centre [3, 9)²: column 3 blurred, (8, 8) half");
    }

    [Test]
    public void Peak_hold_keeps_the_best_score_its_frame_and_time_until_reset()
    {
        var assist = new FocusAssist();
        foreach (var (frame, blur) in new[] { (0, 0.8f), (1, 0.3f), (2, 0.1f), (3, 0.4f), (4, 0.6f) })
        {
            assist.Update(Uniform(blur), Size, Size, frame, TimeSpan.FromSeconds(frame * 0.04));
        }

        var reading = assist.Current;
        Assert.That((reading.PeakFrameIndex, reading.PeakScore), Is.EqualTo((2L, 0.9f)));
        Assert.That(reading.PeakTimestamp, Is.EqualTo(TimeSpan.FromSeconds(0.08)));
        Assert.That(reading.BelowPeak, Is.EqualTo(0.5f).Within(1e-6f));

        assist.ResetPeak();
        assist.Update(Uniform(0.7f), Size, Size, 5, TimeSpan.FromSeconds(0.2));
        Assert.That((assist.Current.PeakFrameIndex, assist.Current.BelowPeak), Is.EqualTo((5L, 0f)));
    }

    [Test]
    public void The_trend_is_steady_inside_the_dead_band_and_says_sharper_or_softer_outside_it()
    {
        var assist = new FocusAssist(new FocusAssistOptions { TrendFrames = 3, TrendDeadBand = 0.05f });
        var trends = new List<FocusTrend>();
        foreach (var blur in new[] { 0.5f, 0.48f, 0.52f, 0.3f, 0.3f, 0.3f, 0.3f, 0.6f })
        {
            trends.Add(assist.Update(Uniform(blur), Size, Size, trends.Count, TimeSpan.Zero).Trend);
        }

        Assert.That(trends, Is.EqualTo(new[]
        {
            FocusTrend.Steady, FocusTrend.Steady, FocusTrend.Steady, FocusTrend.Sharper,
            FocusTrend.Sharper, FocusTrend.Sharper, FocusTrend.Steady, FocusTrend.Softer,
        }));
    }

    [Test]
    public void A_noisy_still_scene_near_the_threshold_fires_no_state_change()
    {
        var assist = new FocusAssist();
        var changes = 0;
        assist.StateChanged += (_, _) => changes++;
        var noise = new Random(3);
        for (var frame = 0; frame < 300; frame++)
        {
            assist.Update(Uniform(0.5f + (0.09f * ((float)noise.NextDouble() - 0.5f) * 2f)), Size, Size, frame, TimeSpan.Zero);
        }

        Assert.That(changes, Is.Zero);
        Assert.That(assist.Current.State, Is.Not.EqualTo(FocusState.Unknown));
    }

    [Test]
    public void A_state_change_is_reported_once_after_it_held_for_the_confirmation_frames()
    {
        var assist = new FocusAssist(new FocusAssistOptions { ConfirmFrames = 3 });
        var changes = new List<FocusStateChange>();
        assist.StateChanged += (_, change) => changes.Add(change);
        // Sharp for 5 frames, one blurred glitch, sharp, then blurred for good from frame 7.
        float[] blurs = [0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f];
        for (var frame = 0; frame < blurs.Length; frame++)
        {
            assist.Update(Uniform(blurs[frame]), Size, Size, frame, TimeSpan.FromMilliseconds(40 * frame));
        }

        Assert.That(changes, Has.Count.EqualTo(1));
        Assert.That(changes[0], Is.EqualTo(new FocusStateChange(FocusState.InFocus, FocusState.OutOfFocus, 9, TimeSpan.FromMilliseconds(360), 0.1f)).Using<FocusStateChange>(
            (a, b) => a.From == b.From && a.To == b.To && a.FrameIndex == b.FrameIndex && a.SourceTimestamp == b.SourceTimestamp && Math.Abs(a.Score - b.Score) < 1e-6f));
    }

    [Test]
    public void Bad_options_are_refused_when_the_assist_is_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FocusAssist(new FocusAssistOptions { GridColumns = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FocusAssist(new FocusAssistOptions { TrendDeadBand = -0.1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FocusAssist(new FocusAssistOptions { Hysteresis = new FocusHysteresis { SharpBelow = 0.7f } }));
    }

    private static float[] Uniform(float blur)
    {
        var map = new float[Size * Size];
        Array.Fill(map, blur);
        return map;
    }
}
