namespace BlurVideo;

/// <summary>
/// A per-pixel blur probability map at model resolution: float in [0, 1], 1 = blurred, row-major with
/// <see cref="Width"/> floats per row. Rented from a <see cref="BlurMapPool"/>.
/// </summary>
/// <remarks>
/// <b>Ownership.</b> One owner at a time, as for <see cref="VideoFrame"/>: whoever rents the map owns it
/// until it hands it on; the last owner disposes it, which returns the buffer to its pool. A disposed
/// map's members throw <see cref="ObjectDisposedException"/>; never keep a reference after disposing.
/// </remarks>
public sealed class BlurMap : IDisposable
{
    private readonly BlurMapPool _pool;
    private readonly float[] _values;
    private int _rented;

    internal BlurMap(BlurMapPool pool, int width, int height)
    {
        _pool = pool;
        Width = width;
        Height = height;
        _values = GC.AllocateUninitializedArray<float>(width * height, pinned: true);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The probabilities, row-major, 1 = blurred.</summary>
    public Span<float> Values
    {
        get
        {
            if (Volatile.Read(ref _rented) == 0)
            {
                throw new ObjectDisposedException(nameof(BlurMap), "The map was returned to its pool.");
            }

            return _values;
        }
    }

    /// <summary>Fraction of pixels whose probability is at least 0.5.</summary>
    public float BlurredFraction()
    {
        var values = Values;
        var blurred = 0;
        foreach (var v in values)
        {
            if (v >= 0.5f)
            {
                blurred++;
            }
        }

        return values.Length == 0 ? 0f : (float)blurred / values.Length;
    }

    /// <summary>Returns the map to its pool. Calling it again is a no-op.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            _pool.Return(this);
        }
    }

    internal void MarkRented() => Volatile.Write(ref _rented, 1);
}

/// <summary>A thread-safe pool of <see cref="BlurMap"/>s of one size.</summary>
internal sealed class BlurMapPool
{
    private readonly RecyclingPool<BlurMap> _maps;

    public BlurMapPool(int width, int height, int maxRetained = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _maps = new RecyclingPool<BlurMap>(() => new BlurMap(this, width, height), maxRetained);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Maps rented and not yet disposed.</summary>
    public int Outstanding => _maps.Outstanding;

    /// <summary>Maps allocated over the pool's lifetime.</summary>
    public int Allocated => _maps.Allocated;

    /// <summary>Rents a map (contents undefined); the caller owns it.</summary>
    public BlurMap Rent()
    {
        var map = _maps.Rent();
        map.MarkRented();
        return map;
    }

    internal void Return(BlurMap map) => _maps.Return(map);
}
