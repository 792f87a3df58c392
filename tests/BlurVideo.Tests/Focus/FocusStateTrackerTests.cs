using NUnit.Framework;

namespace BlurVideo.Tests.Focus;

[TestFixture]
public sealed class FocusStateTrackerTests
{
    [Test]
    public void Hysteresis_keeps_the_focus_state_until_the_opposite_threshold_is_crossed()
    {
        var hysteresis = new FocusHysteresis { BlurredAbove = 0.6f, SharpBelow = 0.4f };
        var state = FocusState.Unknown;
        var states = new List<FocusState>();
        foreach (var blur in new[] { 0.3f, 0.55f, 0.65f, 0.45f, 0.41f, 0.39f, 0.58f })
        {
            state = FocusStateTracker.NextState(state, blur, hysteresis);
            states.Add(state);
        }

        Assert.That(states, Is.EqualTo(new[]
        {
            FocusState.InFocus, FocusState.InFocus, FocusState.OutOfFocus, FocusState.OutOfFocus,
            FocusState.OutOfFocus, FocusState.InFocus, FocusState.InFocus,
        }));
        Assert.That(FocusStateTracker.NextState(FocusState.InFocus, 0.55f, null), Is.EqualTo(FocusState.OutOfFocus), "without hysteresis: plain 0.5 threshold");
    }

    [Test]
    public void The_focus_state_is_decided_by_the_centre_region_with_the_analyzers_rule()
    {
        // Blurred 5x5 block at [3, 8) of a 10x10 map; the centre region covers [2, 8): 25 of its 36 pixels.
        var values = new float[10 * 10];
        for (var y = 3; y < 8; y++)
        {
            for (var x = 3; x < 8; x++)
            {
                values[(y * 10) + x] = 1f;
            }
        }

        var tracker = new FocusStateTracker();
        using var analyzer = new FocusAnalyzer();

        var state = tracker.Update(values, 10, 10);

        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(FocusState.OutOfFocus));
            Assert.That(tracker.RegionBlur, Is.EqualTo(25f / 36f).Within(1e-6));
            Assert.That(analyzer.Measure(values, 10, 10).RegionOfInterestSharpness, Is.EqualTo(1f - tracker.RegionBlur).Within(1e-6),
                "the figures' sharpness and the state's region blur measure the same pixels");
        });
    }

    [Test]
    public void A_sharp_map_is_in_focus_and_reset_forgets_the_state()
    {
        var tracker = new FocusStateTracker(new FocusStateOptions { Hysteresis = new FocusHysteresis() });

        Assert.That(tracker.Update(new float[16], 4, 4), Is.EqualTo(FocusState.InFocus));
        tracker.Reset();
        Assert.That(tracker.State, Is.EqualTo(FocusState.Unknown));
    }
}
