using NUnit.Framework;

namespace BlurVideo.Tests.Pipeline;

[TestFixture]
public sealed class SyntheticFocusPullSceneTests
{
    [Test]
    public void The_same_seed_renders_the_same_frame_and_another_seed_does_not()
    {
        var a = Render(new SyntheticFocusPullScene(new SyntheticSceneOptions { Seed = 5 }), 17);
        var b = Render(new SyntheticFocusPullScene(new SyntheticSceneOptions { Seed = 5 }), 17);
        var c = Render(new SyntheticFocusPullScene(new SyntheticSceneOptions { Seed = 6 }), 17);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void Frames_are_independent_of_rendering_order()
    {
        var scene = new SyntheticFocusPullScene();
        var direct = Render(scene, 30);
        Render(scene, 3);
        Assert.That(Render(scene, 30), Is.EqualTo(direct));
    }

    [TestCase(0, 0, 1, TestName = "Focused near: the ball is sharp, the background blurred")]
    [TestCase(50, 1, 0, TestName = "Focused far: the ball is blurred, the background sharp")]
    public void Labels_follow_the_focus_pull(int frame, byte ballLabel, byte backgroundLabel)
    {
        var scene = new SyntheticFocusPullScene();
        var label = new byte[scene.Width * scene.Height];
        scene.RenderLabel(frame, label);
        var (x, y) = scene.BallCentre(frame);
        Assert.That(label[((int)y * scene.Width) + (int)x], Is.EqualTo(ballLabel));
        Assert.That(label[(5 * scene.Width) + scene.Width - 5], Is.EqualTo(backgroundLabel), "top-right corner: background");
    }

    [Test]
    public void Held_focus_and_a_resting_ball_leave_only_the_sensor_noise_changing()
    {
        var moving = new SyntheticFocusPullScene();
        var still = new SyntheticFocusPullScene(new SyntheticSceneOptions { PullFocus = false, MoveBall = false });
        var stillLabel = new byte[still.Width * still.Height];
        still.RenderLabel(0, stillLabel);
        var laterLabel = new byte[stillLabel.Length];
        still.RenderLabel(37, laterLabel);
        Assert.Multiple(() =>
        {
            Assert.That(moving.FocusDioptres(37), Is.Not.EqualTo(moving.FocusDioptres(0)));
            Assert.That(moving.BallCentre(37), Is.Not.EqualTo(moving.BallCentre(0)));
            Assert.That(still.FocusDioptres(37), Is.EqualTo(moving.FocusDioptres(0)), "held at the near end");
            Assert.That(still.BallCentre(37), Is.EqualTo(moving.BallCentre(0)));
            Assert.That(laterLabel, Is.EqualTo(stillLabel));
            Assert.That(Render(still, 37), Is.Not.EqualTo(Render(still, 0)), "the noise differs per frame");
        });
    }

    [Test]
    public void A_camera_pan_slides_the_whole_picture_and_its_labels_sideways()
    {
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { PullFocus = false, MoveBall = false, NoiseLevel = 0, CameraPanPixels = 24 });
        const int later = 12;
        var shift = scene.CameraPan(later) - scene.CameraPan(0);
        Assert.That(shift, Is.InRange(8, 24), "the camera moved right by this many pixels");
        var (first, second) = (Render(scene, 0), Render(scene, later));
        var (firstLabel, secondLabel) = (new byte[scene.Width * scene.Height], new byte[scene.Width * scene.Height]);
        scene.RenderLabel(0, firstLabel);
        scene.RenderLabel(later, secondLabel);
        Assert.That(scene.BallCentre(later).X, Is.EqualTo(scene.BallCentre(0).X - shift).Within(1e-3f));

        var margin = 12; // the widest blur disk reaches this far in from the frame's edges
        long compared = 0, different = 0;
        for (var y = margin; y < scene.Height - margin; y++)
        {
            for (var x = margin; x < scene.Width - margin - shift; x++)
            {
                var now = (y * scene.Width) + x;
                var before = now + shift;
                Assert.That(secondLabel[now], Is.EqualTo(firstLabel[before]), $"label at ({x}, {y})");
                for (var c = 0; c < 3; c++)
                {
                    different += Math.Abs(second[(now * 3) + c] - first[(before * 3) + c]) > 1 ? 1 : 0;
                    compared++;
                }
            }
        }

        Assert.That(different, Is.LessThan(compared / 1000), "pixels that did not just slide");
    }

    [TestCase(0)]
    [TestCase(35)]
    [TestCase(50)]
    public void In_focus_pixels_have_more_detail_than_clearly_defocused_pixels(int frame)
    {
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { NoiseLevel = 0 });
        var pixels = Render(scene, frame);
        var radius = new float[scene.Width * scene.Height];
        scene.RenderBlurRadius(frame, radius);
        var label = new byte[scene.Width * scene.Height];
        scene.RenderLabel(frame, label);
        var threshold = scene.Options.BlurredRadiusThreshold;
        for (var i = 0; i < label.Length; i++)
        {
            Assert.That(label[i], Is.EqualTo(radius[i] > threshold ? 1 : 0), "the label thresholds the radius");
            // Compare in focus (radius < 1) with clearly defocused (radius > 2.5); 2 marks the pixels in between.
            label[i] = radius[i] < 1f ? (byte)0 : radius[i] > 2.5f ? (byte)1 : (byte)2;
        }
        double[] gradient = [0, 0];
        long[] count = [0, 0];
        for (var y = 1; y < scene.Height - 1; y++)
        {
            for (var x = 1; x < scene.Width - 1; x++)
            {
                var i = (y * scene.Width) + x;
                if (label[i] == 2 || label[i] != label[i - 1] || label[i] != label[i + 1] || label[i] != label[i - scene.Width] || label[i] != label[i + scene.Width])
                {
                    continue;
                }

                var p = i * 3 + 1;
                gradient[label[i]] += Math.Abs(pixels[p + 3] - pixels[p - 3]) + Math.Abs(pixels[p + (scene.Width * 3)] - pixels[p - (scene.Width * 3)]);
                count[label[i]]++;
            }
        }

        var sharp = gradient[0] / Math.Max(1, count[0]);
        var blurred = gradient[1] / Math.Max(1, count[1]);
        TestContext.Out.WriteLine($"frame {frame}: in focus {sharp:F2} ({count[0]} px), defocused {blurred:F2} ({count[1]} px)");
        Assert.That(count[0], Is.GreaterThan(500));
        Assert.That(count[1], Is.GreaterThan(500));
        Assert.That(sharp, Is.GreaterThan(2 * blurred));
    }

    private static byte[] Render(SyntheticFocusPullScene scene, int frame)
    {
        var pixels = new byte[scene.Width * scene.Height * 3];
        scene.Render(frame, pixels, scene.Width * 3);
        return pixels;
    }
}
