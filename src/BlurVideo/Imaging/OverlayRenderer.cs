using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// Draws a blur map over a BGR8 frame, in place: a heatmap, or focus peaking as camera monitors show it.
/// The map may have any size; it is resized bilinearly to the frame.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Owns native scratch images (reused while the frame size stays the same) until
/// <see cref="Dispose"/>.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time.</para>
/// </remarks>
internal sealed class OverlayRenderer : IDisposable
{
    /// <summary>Default focus-peaking colour, red (0xRRGGBB).</summary>
    public const uint DefaultPeakingColor = 0xFF2020;

    private readonly OverlayRendererHandle _handle;

    public OverlayRenderer()
    {
        NativeShim.EnsureLoaded();
        NativeError.ThrowIfFailed(NativeMethods.bv_overlay_renderer_create(out _handle));
    }

    /// <summary>
    /// Blends a TURBO-coloured heatmap of the blur map over the frame:
    /// <c>frame = (1 - opacity) * frame + opacity * colour(map)</c>, sharp (0) blue through blurred (1) red.
    /// </summary>
    /// <param name="bgr">The frame, modified in place, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="stride">Bytes between the starts of two rows.</param>
    /// <param name="map">The blur map, tightly packed, values in [0, 1].</param>
    /// <param name="mapWidth">Map width.</param>
    /// <param name="mapHeight">Map height.</param>
    /// <param name="opacity">Weight of the heatmap, in [0, 1].</param>
    public unsafe void RenderHeatmap(
        Span<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> map, int mapWidth, int mapHeight, float opacity = 0.45f)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* pixels = bgr)
        fixed (float* values = map)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_overlay_render_heatmap(
                _handle, pixels, bgr.Length, width, height, stride,
                values, (long)map.Length * sizeof(float), mapWidth, mapHeight, mapWidth * sizeof(float), opacity));
        }
    }

    /// <summary>
    /// Focus peaking: paints the frame's edges that lie in sharp areas. A pixel is painted with
    /// <paramref name="color"/> when its edge strength (3x3 Sobel magnitude / 4: a step of s grey levels has
    /// strength s) is at least <paramref name="edgeThreshold"/> and its blur value is below <paramref name="blurThreshold"/>.
    /// </summary>
    /// <param name="bgr">The frame, modified in place, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="stride">Bytes between the starts of two rows.</param>
    /// <param name="map">The blur map, tightly packed, 1 = blurred.</param>
    /// <param name="mapWidth">Map width.</param>
    /// <param name="mapHeight">Map height.</param>
    /// <param name="blurThreshold">Blur value below which a pixel counts as in focus.</param>
    /// <param name="edgeThreshold">Minimum edge strength in grey levels.</param>
    /// <param name="color">Paint colour as 0xRRGGBB.</param>
    public unsafe void RenderFocusPeaking(
        Span<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> map, int mapWidth, int mapHeight,
        float blurThreshold = 0.5f, float edgeThreshold = 40f, uint color = DefaultPeakingColor)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* pixels = bgr)
        fixed (float* values = map)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_overlay_render_peaking(
                _handle, pixels, bgr.Length, width, height, stride,
                values, (long)map.Length * sizeof(float), mapWidth, mapHeight, mapWidth * sizeof(float),
                blurThreshold, edgeThreshold, color));
        }
    }

    /// <summary>Releases the native renderer. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
