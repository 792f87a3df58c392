using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>
/// Motion compensation for temporal smoothing of blur maps: measures dense optical flow (OpenCV DIS)
/// between consecutive frames and warps the previous frame's map into the current frame's geometry, in one
/// native call per frame. It keeps the previous frame (grey, downsampled) as its reference.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Owns a native aligner with all its buffers, allocated at construction, until
/// <see cref="Dispose"/>.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time (it is stateful: one per stream).</para>
/// <para><b>Allocation.</b> <see cref="Align"/> allocates nothing managed.</para>
/// </remarks>
internal sealed class TemporalAligner : IDisposable
{
    private readonly TemporalAlignerHandle _handle;

    /// <summary>Creates an aligner for maps of <paramref name="mapWidth"/> x <paramref name="mapHeight"/>.</summary>
    /// <param name="mapWidth">Width of the blur maps.</param>
    /// <param name="mapHeight">Height of the blur maps.</param>
    /// <param name="preset">DIS speed/quality preset.</param>
    /// <param name="flowWidth">Width at which the flow is measured (0 with <paramref name="flowHeight"/> 0: the map size).</param>
    /// <param name="flowHeight">Height at which the flow is measured; at least 16 either way.</param>
    public TemporalAligner(
        int mapWidth, int mapHeight, OpticalFlowPreset preset = OpticalFlowPreset.Ultrafast, int flowWidth = 0, int flowHeight = 0)
    {
        NativeShim.EnsureLoaded();
        NativeError.ThrowIfFailed(NativeMethods.bv_temporal_aligner_create(
            mapWidth, mapHeight, flowWidth, flowHeight, (int)preset, out _handle));
        MapWidth = mapWidth;
        MapHeight = mapHeight;
    }

    /// <summary>Width of the maps this aligner warps.</summary>
    public int MapWidth { get; }

    /// <summary>Height of the maps this aligner warps.</summary>
    public int MapHeight { get; }

    /// <summary>
    /// Takes the new frame and writes <paramref name="previousMap"/> warped to its geometry into
    /// <paramref name="warpedMap"/>: <c>warped(x, y) = previous(x + u, y + v)</c> with (u, v) the flow from the new
    /// frame back to the previous one; samples from outside the map repeat its border. The new frame becomes the
    /// reference for the next call. Without a reference frame the map is copied unchanged.
    /// </summary>
    /// <param name="bgr">The new frame (any size; downsampled internally), rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="stride">Bytes between the starts of two rows.</param>
    /// <param name="previousMap">The previous frame's smoothed map, tightly packed, map size.</param>
    /// <param name="warpedMap">Receives the warped map, tightly packed, map size; must not overlap <paramref name="previousMap"/>.</param>
    /// <exception cref="BlurVideoNativeException">A buffer has the wrong size, or the maps overlap.</exception>
    public unsafe FrameAlignment Align(
        ReadOnlySpan<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> previousMap, Span<float> warpedMap)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        NativeMethods.Alignment result;
        fixed (byte* pixels = bgr)
        fixed (float* previous = previousMap)
        fixed (float* warped = warpedMap)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_temporal_aligner_align(
                _handle, pixels, bgr.Length, width, height, stride,
                previous, (long)previousMap.Length * sizeof(float), warped, (long)warpedMap.Length * sizeof(float),
                MapWidth * sizeof(float), out result));
        }

        return new FrameAlignment(result.Aligned != 0, result.SceneChange, result.MeanMotion);
    }

    /// <summary>Forgets the reference frame (after a seek, a reconnect or a scene cut).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        NativeError.ThrowIfFailed(NativeMethods.bv_temporal_aligner_reset(_handle));
    }

    /// <summary>Releases the native aligner. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
