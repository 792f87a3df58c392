using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;

namespace BlurVideo.Tests.Inference;

[TestFixture]
public sealed class BlurDetectorTests
{
    [Test]
    public void Steady_state_detect_allocates_no_managed_memory()
    {
        const int width = 160;
        const int height = 120;
        var frame = InferenceTestKit.Frame(width, height);
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            detector.Detect(frame, width, height, width * 3).Dispose();
        }

        const int calls = 50;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var call = 0; call < calls; call++)
        {
            using var map = detector.Detect(frame, width, height, width * 3);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, $"managed bytes allocated by {calls} steady-state Detect calls");
    }

    [Test]
    public void Detect_equals_onnx_runtime_run_directly_on_the_native_preprocessing()
    {
        const int width = 100;
        const int height = 80;
        var frame = InferenceTestKit.Frame(width, height);
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        var card = detector.Model;

        var input = new float[3 * card.InputWidth * card.InputHeight];
        using (var preprocessor = new Preprocessor(card.InputWidth, card.InputHeight, card.Mean.ToArray(), card.Std.ToArray()))
        {
            preprocessor.Run(frame, width, height, width * 3, input);
        }

        var expected = new float[card.InputWidth * card.InputHeight];
        using (var session = new InferenceSession(card.ModelPath))
        using (var runOptions = new RunOptions())
        using (var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, card.InputHeight, card.InputWidth]))
        using (var outputValue = OrtValue.CreateTensorValueFromMemory(expected, [1, 1, card.InputHeight, card.InputWidth]))
        {
            session.Run(runOptions, ["image"], [inputValue], ["blur"], [outputValue]);
        }

        using var map = detector.Detect(frame, width, height, width * 3);

        Assert.Multiple(() =>
        {
            Assert.That(map.Width, Is.EqualTo(card.InputWidth));
            Assert.That(map.Height, Is.EqualTo(card.InputHeight));
            Assert.That(map.Values.ToArray(), Is.EqualTo(expected).Within(1e-6f));
            Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(1e-4f), "the output is not constant");
        });
    }

    [Test]
    public void Card_policy_uses_the_card_size_and_aspect_policy_keeps_the_frame_shape_at_multiples_of_32()
    {
        using var card = new BlurDetector(InferenceTestKit.TinyCpu());
        using var aspect = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.KeepAspectRatio));

        Assert.Multiple(() =>
        {
            Assert.That(card.GetInputSize(1920, 1080), Is.EqualTo((64, 64)));
            // sqrt(64 * 64 / (1920 * 1080)) * (1920, 1080) = (85.3, 48) -> (96, 64) rounded to multiples of 32.
            Assert.That(aspect.GetInputSize(1920, 1080), Is.EqualTo((96, 64)));
            Assert.That(aspect.GetInputSize(64, 640), Is.EqualTo((32, 192)));
            Assert.That(aspect.GetInputSize(640, 640), Is.EqualTo((64, 64)));
        });
    }

    [Test]
    public void Native_policy_keeps_the_frame_size_at_multiples_of_32_and_shrinks_frames_above_the_pixel_cap()
    {
        using var native = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native, maxNativePixels: 640 * 480));

        Assert.Multiple(() =>
        {
            Assert.That(native.GetInputSize(640, 427), Is.EqualTo((640, 416)));
            Assert.That(native.GetInputSize(100, 50), Is.EqualTo((96, 64)));
            // sqrt(640 * 480 / (1920 * 1080)) * (1920, 1080) = (739.0, 415.7) -> (736, 416).
            Assert.That(native.GetInputSize(1920, 1080), Is.EqualTo((736, 416)));
        });
        using var map = native.Detect(InferenceTestKit.Frame(100, 50), 100, 50, 100 * 3);
        Assert.That((map.Width, map.Height), Is.EqualTo((96, 64)));
    }

    [Test]
    public void Bad_input_size_options_are_refused_before_the_model_loads()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.Native, maxNativePixels: 100)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new BlurDetector(InferenceTestKit.TinyCpu((InputSizePolicy)7)));
        });
    }

    [Test]
    public void A_new_frame_shape_re_creates_the_tensors_and_maps_follow_it()
    {
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu(InputSizePolicy.KeepAspectRatio));

        using var wide = detector.Detect(InferenceTestKit.Frame(192, 64), 192, 64, 192 * 3);
        using var tall = detector.Detect(InferenceTestKit.Frame(64, 192), 64, 192, 64 * 3);

        Assert.Multiple(() =>
        {
            Assert.That((wide.Width, wide.Height), Is.EqualTo((96, 32)));
            Assert.That((tall.Width, tall.Height), Is.EqualTo((32, 96)));
            Assert.That(wide.Values.ToArray(), Has.All.InRange(0f, 1f));
            Assert.That(tall.Values.ToArray(), Has.All.InRange(0f, 1f));
        });
    }

    [Test]
    public void Detect_file_reads_the_image_and_a_missing_file_is_a_clear_error()
    {
        var image = Path.Combine(TestPaths.SharedData, "real-smoke", "images", "cuhk_0011.png");
        Assume.That(File.Exists(image), $"shared data {image}");
        using var detector = new BlurDetector(InferenceTestKit.TinyCpu());

        using var map = detector.DetectFile(image);
        var error = Assert.Throws<BlurVideoNativeException>(() => detector.DetectFile("/nonexistent/photo.png"));

        Assert.That(map.Width, Is.EqualTo(64));
        Assert.That(error!.Message, Does.Contain("photo.png"));
    }

    [Test]
    public void A_disposed_detector_refuses_work()
    {
        var detector = new BlurDetector(InferenceTestKit.TinyCpu());
        detector.Dispose();
        detector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => detector.Detect(InferenceTestKit.Frame(8, 8), 8, 8, 24));
    }
}
