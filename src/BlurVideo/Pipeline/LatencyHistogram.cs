namespace BlurVideo.Pipeline;

/// <summary>
/// A fixed-size, lock-free histogram of durations (microsecond resolution, log-linear buckets with 16
/// sub-buckets per power of two, so quantiles are within about 3 %). Recording never allocates.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 16;
    private const int SubBucketBits = 4;
    private const int MaxExponent = 40;
    private const int BucketCount = SubBuckets + ((MaxExponent - SubBucketBits + 1) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sumMicroseconds;
    private long _maxMicroseconds;

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan duration)
    {
        var microseconds = Math.Max(0L, duration.Ticks / TimeSpan.TicksPerMicrosecond);
        Interlocked.Increment(ref _counts[BucketOf(microseconds)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicroseconds, microseconds);
        var max = Interlocked.Read(ref _maxMicroseconds);
        while (microseconds > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Summary in milliseconds; all zero when nothing was recorded.</summary>
    public LatencySummary Summarize()
    {
        var counts = new long[BucketCount];
        long total = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
            total += counts[i];
        }

        if (total == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        var max = Interlocked.Read(ref _maxMicroseconds) / 1000.0;
        return new LatencySummary(
            total,
            Interlocked.Read(ref _sumMicroseconds) / 1000.0 / total,
            Math.Min(max, Quantile(counts, total, 0.50)),
            Math.Min(max, Quantile(counts, total, 0.95)),
            Math.Min(max, Quantile(counts, total, 0.99)),
            max);
    }

    internal static int BucketOf(long microseconds)
    {
        if (microseconds < SubBuckets)
        {
            return (int)microseconds;
        }

        var exponent = Math.Min(63 - (int)long.LeadingZeroCount(microseconds), MaxExponent);
        var sub = (int)((microseconds >> (exponent - SubBucketBits)) & (SubBuckets - 1));
        return SubBuckets + ((exponent - SubBucketBits) * SubBuckets) + sub;
    }

    /// <summary>Midpoint of a bucket, in microseconds.</summary>
    internal static double MidpointOf(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        var exponent = ((bucket - SubBuckets) / SubBuckets) + SubBucketBits;
        var sub = (bucket - SubBuckets) % SubBuckets;
        var width = Math.Pow(2, exponent - SubBucketBits);
        return ((SubBuckets + sub) * width) + (width / 2);
    }

    private static double Quantile(long[] counts, long total, double q)
    {
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return MidpointOf(i) / 1000.0;
            }
        }

        return MidpointOf(counts.Length - 1) / 1000.0;
    }
}

/// <summary>Distribution of a duration, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
