using System.Runtime.InteropServices;
using MachinePerception.Tensors;

namespace MachinePerception.Backends;

/// <summary>
/// Reuses the arrays of CPU tensors that nothing references any more, so that a training loop, which allocates
/// the same sizes step after step, stops asking the operating system for fresh memory (every fresh page is a page
/// fault and a zero fill by the kernel: 15–20 % of an MLP step before this pool).
/// <para>
/// Each array of at least <see cref="MinLength"/> elements that the backend allocates is lent to one storage and
/// watched through a weak GC handle on that storage. Only when the garbage collector has found the storage
/// unreachable (the handle reads null) is the array handed to a new storage of the same length, so a tensor, its
/// reshapes and detached copies (which share the storage) are never overwritten behind anyone's back. When the
/// arrays lent since the last collection pass <see cref="CollectAfterBytes"/> and none of the wanted length is free,
/// the pool runs a young-generation collection itself (about a millisecond: tensors are few, their arrays hold no
/// references) instead of waiting for one. Free arrays of a length not wanted for eight such collections are let go.
/// </para>
/// <para>
/// Results do not depend on the pool: an array comes back either zero-filled (<see cref="CpuBackend.Allocate"/>) or
/// entirely overwritten by the primitive that asked for it (<see cref="CpuBackend.AllocateUninitialized"/>). Code
/// that keeps a tensor's array (<see cref="CpuStorage{T}.Data"/>) beyond the tensor's life must copy it.
/// </para>
/// </summary>
public static class CpuBufferPool
{
    /// <summary>Smaller arrays come from the collector's young generation, which is cheap for them.</summary>
    public const int MinLength = 1 << 14;

    /// <summary>
    /// Bytes lent since the last collection after which a miss triggers a young-generation collection. A collection costs
    /// about a millisecond, so one per 256 MB lent is far below 1 % of the time that the work on those arrays takes; the
    /// pool holds at most about this much in arrays of tensors that died since the last collection.
    /// </summary>
    public static long CollectAfterBytes { get; set; } = 256L << 20;

    sealed class Bucket
    {
        public readonly Stack<Array> Free = new();
        public readonly List<(GCHandle Owner, Array Array)> Lent = [];
        public int ScannedAtCollection = -1, UsedAtEpoch;
    }

    static readonly object gate = new();
    static readonly Dictionary<(Type, int), Bucket> buckets = [];
    static long lentSinceCollect;
    static int epoch;

    /// <summary>Arrays currently lent and free, and the collections the pool ran (for the benchmarks' reports).</summary>
    public static (int Lent, int Free, int Collections) Counts
    {
        get
        {
            lock (gate) return (buckets.Values.Sum(b => b.Lent.Count), buckets.Values.Sum(b => b.Free.Count), epoch);
        }
    }

    /// <summary>A storage of <paramref name="length"/> elements: zero-filled when <paramref name="zero"/>, else with unspecified contents.</summary>
    internal static CpuStorage<T> Storage<T>(int length, bool zero) where T : unmanaged
    {
        if (length < MinLength) return new CpuStorage<T>(zero ? new T[length] : GC.AllocateUninitializedArray<T>(length));
        lock (gate)
        {
            var key = (typeof(T), length);
            if (!buckets.TryGetValue(key, out var bucket)) buckets[key] = bucket = new Bucket();
            bucket.UsedAtEpoch = epoch;
            var array = Take<T>(bucket);
            long bytes = (long)length * Marshal.SizeOf<T>();
            if (array is null && lentSinceCollect + bytes > CollectAfterBytes)
            {
                Collect();
                array = Take<T>(bucket);
            }
            bool reused = array is not null;
            array ??= zero ? new T[length] : GC.AllocateUninitializedArray<T>(length);
            if (zero && reused) Array.Clear(array);
            var storage = new CpuStorage<T>(array);
            bucket.Lent.Add((GCHandle.Alloc(storage, GCHandleType.Weak), array));
            lentSinceCollect += bytes;
            return storage;
        }
    }

    // a free array, or one whose storage the collector has found unreachable since this bucket was last scanned
    static T[]? Take<T>(Bucket bucket)
    {
        if (bucket.Free.Count == 0)
        {
            int collections = GC.CollectionCount(0);
            if (collections == bucket.ScannedAtCollection) return null;
            bucket.ScannedAtCollection = collections;
            Reclaim(bucket);
        }
        return bucket.Free.Count > 0 ? (T[])bucket.Free.Pop() : null;
    }

    // moves the arrays of unreachable storages to the free list
    static void Reclaim(Bucket bucket)
    {
        var lent = bucket.Lent;
        for (int i = lent.Count - 1; i >= 0; i--)
        {
            if (lent[i].Owner.Target is not null) continue;
            lent[i].Owner.Free();
            var array = lent[i].Array;
            bucket.Free.Push(array);
            lent[i] = lent[^1];
            lent.RemoveAt(lent.Count - 1);
        }
    }

    // a young-generation collection, then every bucket's unreachable storages give their arrays back; the free arrays
    // of sizes not wanted for several collections are let go
    const int StaleAfterCollections = 8;

    static void Collect()
    {
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        epoch++;
        int collections = GC.CollectionCount(0);
        foreach (var b in buckets.Values)
        {
            Reclaim(b);
            b.ScannedAtCollection = collections;
            if (epoch - b.UsedAtEpoch > StaleAfterCollections) b.Free.Clear();
        }
        lentSinceCollect = 0;
    }
}
