namespace BlurVideo;

/// <summary>
/// The bookkeeping shared by <see cref="FramePool"/> and <see cref="BlurMapPool"/>: a bounded stack of returned
/// items, reused before anything new is allocated, with counts of items outstanding and allocated.
/// </summary>
/// <remarks>Thread-safe: items may be rented and returned from any thread.</remarks>
internal sealed class RecyclingPool<T>
    where T : class
{
    private readonly Lock _gate = new();
    private readonly Stack<T> _available;
    private readonly Func<T> _allocate;
    private readonly int _maxRetained;
    private int _outstanding;
    private int _allocated;

    /// <param name="allocate">Creates an item when none is available; called outside the lock.</param>
    /// <param name="maxRetained">How many returned items are kept for reuse; items returned beyond that are left
    /// to the garbage collector.</param>
    public RecyclingPool(Func<T> allocate, int maxRetained)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRetained);
        _allocate = allocate;
        _maxRetained = maxRetained;
        _available = new Stack<T>(maxRetained);
    }

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int Allocated => Volatile.Read(ref _allocated);

    public T Rent()
    {
        T? item;
        lock (_gate)
        {
            _available.TryPop(out item);
            _outstanding++;
        }

        if (item is null)
        {
            item = _allocate();
            Interlocked.Increment(ref _allocated);
        }

        return item;
    }

    public void Return(T item)
    {
        lock (_gate)
        {
            _outstanding--;
            if (_available.Count < _maxRetained)
            {
                _available.Push(item);
            }
        }
    }
}
