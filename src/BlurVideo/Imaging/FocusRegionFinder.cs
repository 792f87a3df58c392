using BlurVideo.Native;

namespace BlurVideo.Imaging;

/// <summary>Finds the largest in-focus region of a blur map (connected components of <c>map &lt; threshold</c>).</summary>
/// <remarks>
/// <para><b>Lifetime.</b> Owns native label buffers (reused between calls) until <see cref="Dispose"/>.</para>
/// <para><b>Threads.</b> Use an instance from one thread at a time.</para>
/// </remarks>
internal sealed class FocusRegionFinder : IDisposable
{
    private readonly RegionFinderHandle _handle;

    public FocusRegionFinder()
    {
        NativeShim.EnsureLoaded();
        NativeError.ThrowIfFailed(NativeMethods.bv_region_finder_create(out _handle));
    }

    /// <summary>Analyses a tightly packed blur map (1 = blurred); a pixel is in focus when its value is below <paramref name="blurThreshold"/>.</summary>
    /// <exception cref="BlurVideoNativeException">The span is smaller than <paramref name="width"/> x <paramref name="height"/>.</exception>
    public unsafe FocusRegion Find(ReadOnlySpan<float> map, int width, int height, float blurThreshold = 0.5f)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        NativeMethods.FocusRegionResult r;
        fixed (float* values = map)
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_region_finder_find(
                _handle, values, (long)map.Length * sizeof(float), width, height, width * sizeof(float), blurThreshold, out r));
        }

        return new FocusRegion(
            r.Found != 0, r.X, r.Y, r.Width, r.Height, r.Area, r.CentroidX, r.CentroidY, r.RegionCount, r.InFocusFraction);
    }

    /// <summary>Releases the native finder. Calling it again is a no-op.</summary>
    public void Dispose() => _handle.Dispose();
}
