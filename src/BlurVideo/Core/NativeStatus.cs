namespace BlurVideo;

/// <summary>
/// The kinds of <see cref="BlurVideoNativeException"/>: the status codes of the native OpenCV shim (<c>bv_status</c>),
/// which the SDK's OpenCvSharp file and capture code reports with the same meanings.
/// </summary>
public enum NativeStatus
{
    /// <summary>The call succeeded.</summary>
    Ok = 0,

    /// <summary>A null pointer, a bad size or stride, a buffer too small or an unsupported option.</summary>
    InvalidArgument = 1,

    /// <summary>A file that does not exist, or a camera or stream that cannot be opened.</summary>
    NotFound = 2,

    /// <summary>A finite source has no more frames. Not an error; readers report it as "no frame".</summary>
    EndOfStream = 3,

    /// <summary>A codec or I/O failure: an undecodable file, an unavailable encoder, a failed write.</summary>
    IOError = 4,

    /// <summary>OpenCV raised an exception (inside the shim or through OpenCvSharp).</summary>
    OpenCVError = 5,

    /// <summary>Any other failure, including running out of memory.</summary>
    Unknown = 6,
}
