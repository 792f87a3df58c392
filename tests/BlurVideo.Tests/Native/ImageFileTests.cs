using NUnit.Framework;

namespace BlurVideo.Tests.Native;

/// <summary>Image files written and decoded through the shim.</summary>
[TestFixture]
public sealed class ImageFileTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = NativeTestData.CreateFolder("image-file");

    [TearDown]
    public void DeleteFolder() => NativeTestData.DeleteFolder(_folder);

    [Test]
    public void Png_round_trip_is_exact_and_size_is_known_before_copying()
    {
        var bgr = NativeTestData.Texture(37, 21, 0, 0);
        var path = Path.Combine(_folder, "photo.png");
        ImageFile.WriteBgr(path, bgr, 37, 21, 37 * 3);

        using var image = ImageFile.Decode(path, ImageColorMode.Bgr8);
        Assert.That((image.Width, image.Height, image.Channels), Is.EqualTo((37, 21, 3)));
        Assert.That(image.ToArray(), Is.EqualTo(bgr));
    }

    [Test]
    public void Blur_map_is_written_as_8_bit_with_255_for_blurred()
    {
        float[] map = [0f, 0.5f, 1f, -0.3f, 2f, 0.2f];
        var path = Path.Combine(_folder, "map.png");
        ImageFile.WriteMap(path, map, 3, 2);

        using var image = ImageFile.Decode(path, ImageColorMode.Gray8);
        Assert.That(image.Channels, Is.EqualTo(1));
        Assert.That(image.ToArray(), Is.EqualTo(new byte[] { 0, 128, 255, 0, 255, 51 }));
    }

    [Test]
    public void Gray_mask_decodes_into_a_padded_caller_buffer()
    {
        byte[] mask = [0, 255, 128, 7, 9, 11];
        var path = Path.Combine(_folder, "mask.png");
        ImageFile.WriteGray(path, mask, 3, 2, 3);

        using var image = ImageFile.Decode(path, ImageColorMode.Gray8);
        var padded = new byte[8 * 2];
        image.CopyTo(padded, 8);
        Assert.That(padded[..3], Is.EqualTo(mask[..3]));
        Assert.That(padded[8..11], Is.EqualTo(mask[3..]));
    }
}
