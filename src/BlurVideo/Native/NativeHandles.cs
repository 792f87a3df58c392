using Microsoft.Win32.SafeHandles;

namespace BlurVideo.Native;

// One SafeHandle per native object type. Each releases its object exactly once, through the shim's
// *_destroy function, when its owner disposes it (or, as a last resort, when it is finalized). The
// interop marshaller adds a reference for the duration of every call, so a handle cannot be released
// while a native call is using it.

/// <summary>Owns a <c>bv_video_source</c>.</summary>
internal sealed class VideoSourceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VideoSourceHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.bv_video_source_destroy(handle) == (int)NativeStatus.Ok;
}

/// <summary>Owns a <c>bv_preprocessor</c>.</summary>
internal sealed class PreprocessorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public PreprocessorHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.bv_preprocessor_destroy(handle) == (int)NativeStatus.Ok;
}

/// <summary>Owns a <c>bv_temporal_aligner</c>.</summary>
internal sealed class TemporalAlignerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TemporalAlignerHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.bv_temporal_aligner_destroy(handle) == (int)NativeStatus.Ok;
}

/// <summary>Owns a <c>bv_overlay_renderer</c>.</summary>
internal sealed class OverlayRendererHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OverlayRendererHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.bv_overlay_renderer_destroy(handle) == (int)NativeStatus.Ok;
}

/// <summary>Owns a <c>bv_region_finder</c>.</summary>
internal sealed class RegionFinderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public RegionFinderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.bv_region_finder_destroy(handle) == (int)NativeStatus.Ok;
}
