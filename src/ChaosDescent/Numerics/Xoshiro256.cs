using System.Numerics;
using System.Runtime.CompilerServices;

namespace ChaosDescent.Numerics;

/// <summary>
/// xoshiro256** pseudo-random generator (Blackman &amp; Vigna 2018), seeded through SplitMix64.
/// A mutable struct: pass it by <c>ref</c>. Each fixed block of particles gets its own stream from
/// <see cref="ForStream"/>, so results do not depend on how blocks are scheduled on threads.
/// </summary>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for stream <paramref name="stream"/> of the experiment seeded by <paramref name="seed"/>.</summary>
    public static Xoshiro256 ForStream(ulong seed, ulong stream)
    {
        // SplitMix64 over a mix of (seed, stream): distinct streams get unrelated states.
        ulong sm = seed * 0x9E3779B97F4A7C15UL ^ (stream + 0x632BE59BD9B4E019UL) * 0xD1B54A32D192ED03UL;
        var r = new Xoshiro256
        {
            _s0 = SplitMix(ref sm),
            _s1 = SplitMix(ref sm),
            _s2 = SplitMix(ref sm),
            _s3 = SplitMix(ref sm),
        };
        if ((r._s0 | r._s1 | r._s2 | r._s3) == 0) r._s0 = 1;
        return r;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 33) % (ulong)n);

    /// <summary>Standard normal variate (Marsaglia polar method; one of the pair is discarded to stay stateless).</summary>
    public double NextGaussian()
    {
        while (true)
        {
            double u = 2 * NextDouble() - 1, v = 2 * NextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) return u * Math.Sqrt(-2 * Math.Log(s) / s);
        }
    }
}
