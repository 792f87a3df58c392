namespace BlurVideo.Imaging;

/// <summary>How <see cref="ImageFile.Decode"/> converts an image file's pixels.</summary>
internal enum ImageColorMode
{
    /// <summary>3 channels, B, G, R; grey files are expanded.</summary>
    Bgr8 = 0,

    /// <summary>1 channel; colour files are converted to grey (masks, blur maps).</summary>
    Gray8 = 1,
}
