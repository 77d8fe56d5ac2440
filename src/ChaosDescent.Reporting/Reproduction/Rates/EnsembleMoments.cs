using ChaosDescent.Maps;
using ChaosDescent.Numerics;

namespace ChaosDescent.Reporting.Reproduction.Rates;

/// <summary>
/// Per-step ensemble means (and second moments) of a map started at one point, without storing the ensemble:
/// fixed blocks of particles with their own random streams (<see cref="Xoshiro256.ForStream"/>), partial sums reduced
/// in block order, so the result does not depend on the thread count.
/// </summary>
internal static class EnsembleMoments
{
    private const int BlockSize = 1024;

    /// <summary>Mean[k][c] and SecondMoment[k][c] of coordinate c at step k = 0 … steps.</summary>
    public static (double[][] Mean, double[][] SecondMoment) Run(OptimizerMap map, double[] start, int particles, int steps, ulong seed, int threads)
    {
        int d = map.Dimension, blocks = (particles + BlockSize - 1) / BlockSize;
        var sums = new double[blocks][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, blocks, options, b =>
        {
            int count = Math.Min(BlockSize, particles - b * BlockSize);
            var rng = Xoshiro256.ForStream(seed, (ulong)b);
            var x = new double[d * count];
            var scratch = new double[map.ScratchLength(count)];
            for (int c = 0; c < d; c++) x.AsSpan(c * count, count).Fill(start[c]);
            var s = new double[(steps + 1) * 2 * d];
            for (int k = 0; ; k++)
            {
                for (int c = 0; c < d; c++)
                {
                    double s1 = 0, s2 = 0;
                    foreach (var v in x.AsSpan(c * count, count))
                    {
                        s1 += v;
                        s2 += v * v;
                    }
                    s[(k * d + c) * 2] = s1;
                    s[(k * d + c) * 2 + 1] = s2;
                }
                if (k == steps) break;
                map.Step(x, count, ref rng, scratch);
            }
            sums[b] = s;
        });
        var mean = new double[steps + 1][];
        var second = new double[steps + 1][];
        for (int k = 0; k <= steps; k++)
        {
            mean[k] = new double[d];
            second[k] = new double[d];
            for (int c = 0; c < d; c++)
            {
                double s1 = 0, s2 = 0;
                for (int b = 0; b < blocks; b++)
                {
                    s1 += sums[b][(k * d + c) * 2];
                    s2 += sums[b][(k * d + c) * 2 + 1];
                }
                mean[k][c] = s1 / particles;
                second[k][c] = s2 / particles;
            }
        }
        return (mean, second);
    }
}
