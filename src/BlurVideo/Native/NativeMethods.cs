using System.Runtime.InteropServices;

namespace BlurVideo.Native;

/// <summary>
/// Every import of the native OpenCV shim, one per export of <c>native/include/blurvideo_native.h</c>;
/// the header states each function's contract (units, buffer sizes, ownership, thread-safety).
/// Buffers are passed as pointers with their size in bytes so that the shim checks them before use.
/// Callers go through <see cref="NativeError.ThrowIfFailed"/> and never see a raw status.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>Resolved by the runtime as <c>libblurvideo_native.so</c> next to the application.</summary>
    public const string Library = "blurvideo_native";

    /// <summary>The <c>BV_ABI_VERSION</c> this code was written against.</summary>
    public const int AbiVersion = 2;

    [LibraryImport(Library)]
    public static partial nint bv_last_error_message();

    [LibraryImport(Library)]
    public static partial int bv_get_abi_version(out int version);

    // Video source

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int bv_video_source_open(string uri, SourceOptions* options, out VideoSourceHandle source);

    [LibraryImport(Library)]
    public static partial int bv_video_source_get_info(VideoSourceHandle source, out VideoInfo info);

    [LibraryImport(Library)]
    public static partial int bv_video_source_read(
        VideoSourceHandle source, byte* bgr, long bufferSize, int width, int height, int stride, out FrameInfo frame);

    [LibraryImport(Library)]
    public static partial int bv_video_source_get_position(VideoSourceHandle source, out long nextIndex, out double lastTimestampMs);

    [LibraryImport(Library)]
    public static partial int bv_video_source_destroy(nint source);

    // Preprocessing

    [LibraryImport(Library)]
    public static partial int bv_preprocessor_create(
        int inputWidth, int inputHeight, float* mean, float* std, out PreprocessorHandle preprocessor);

    [LibraryImport(Library)]
    public static partial int bv_preprocessor_run(
        PreprocessorHandle preprocessor, byte* bgr, long bufferSize, int width, int height, int stride, float* tensor, long tensorLength);

    [LibraryImport(Library)]
    public static partial int bv_preprocessor_destroy(nint preprocessor);

    // Float maps

    [LibraryImport(Library)]
    public static partial int bv_map_resize(
        float* source, long sourceSize, int sourceWidth, int sourceHeight, int sourceStride,
        float* destination, long destinationSize, int destinationWidth, int destinationHeight, int destinationStride);

    // Temporal alignment

    [LibraryImport(Library)]
    public static partial int bv_temporal_aligner_create(
        int mapWidth, int mapHeight, int flowWidth, int flowHeight, int preset, out TemporalAlignerHandle aligner);

    [LibraryImport(Library)]
    public static partial int bv_temporal_aligner_align(
        TemporalAlignerHandle aligner, byte* bgr, long bufferSize, int width, int height, int stride,
        float* previousMap, long previousSize, float* warpedMap, long warpedSize, int mapStride, out Alignment alignment);

    [LibraryImport(Library)]
    public static partial int bv_temporal_aligner_reset(TemporalAlignerHandle aligner);

    [LibraryImport(Library)]
    public static partial int bv_temporal_aligner_destroy(nint aligner);

    // Overlays

    [LibraryImport(Library)]
    public static partial int bv_overlay_renderer_create(out OverlayRendererHandle renderer);

    [LibraryImport(Library)]
    public static partial int bv_overlay_render_heatmap(
        OverlayRendererHandle renderer, byte* bgr, long bufferSize, int width, int height, int stride,
        float* map, long mapSize, int mapWidth, int mapHeight, int mapStride, float opacity);

    [LibraryImport(Library)]
    public static partial int bv_overlay_render_peaking(
        OverlayRendererHandle renderer, byte* bgr, long bufferSize, int width, int height, int stride,
        float* map, long mapSize, int mapWidth, int mapHeight, int mapStride, float blurThreshold, float edgeThreshold, uint color);

    [LibraryImport(Library)]
    public static partial int bv_overlay_renderer_destroy(nint renderer);

    // In-focus regions

    [LibraryImport(Library)]
    public static partial int bv_region_finder_create(out RegionFinderHandle finder);

    [LibraryImport(Library)]
    public static partial int bv_region_finder_find(
        RegionFinderHandle finder, float* map, long mapSize, int width, int height, int stride, float blurThreshold, out FocusRegionResult region);

    [LibraryImport(Library)]
    public static partial int bv_region_finder_destroy(nint finder);

    /// <summary><c>bv_alignment</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Alignment
    {
        public int Aligned;
        public float SceneChange;
        public float MeanMotion;
    }

    /// <summary><c>bv_focus_region</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FocusRegionResult
    {
        public int Found;
        public int X;
        public int Y;
        public int Width;
        public int Height;
        public int Area;
        public float CentroidX;
        public float CentroidY;
        public int RegionCount;
        public float InFocusFraction;
    }

    /// <summary><c>bv_source_options</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SourceOptions
    {
        public int OpenTimeoutMs;
        public int ReadTimeoutMs;
        public int CameraWidth;
        public int CameraHeight;
        public double CameraFps;
    }

    /// <summary><c>bv_video_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct VideoInfo
    {
        public int Width;
        public int Height;
        public double Fps;
        public long FrameCount;
        public int Kind;
        public int IsLive;
    }

    /// <summary><c>bv_frame_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public long Index;
        public double TimestampMs;
    }
}
