using System.Numerics;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Settings of the 0–1 test for chaos (Gottwald &amp; Melbourne 2004, 2009).</summary>
public sealed record ZeroOneSettings
{
    /// <summary>Observations φ(j) of the orbit entering the test (N). Default 20,000.</summary>
    public int Steps { get; init; } = 20_000;

    /// <summary>Map steps discarded before the first observation, so the test sees the attractor and not the
    /// transient. Default 10,000.</summary>
    public int BurnIn { get; init; } = 10_000;

    /// <summary>Number of random frequencies c drawn uniformly from (π/5, 4π/5); K is the median of the K_c.
    /// Default 100 (as Gottwald &amp; Melbourne 2009 and ChaosTools' <c>testchaos01</c>).</summary>
    public int Frequencies { get; init; } = 100;

    /// <summary>Largest lag n of the mean square displacement, as a fraction of N (n_cut = N/10 in Gottwald &amp;
    /// Melbourne 2009). Default 0.1.</summary>
    public double LagFraction { get; init; } = 0.1;

    /// <summary>Start of the orbit (length d); null = the same default start as bifurcation diagrams.</summary>
    public double[]? Start { get; init; }

    /// <summary>Coordinate of the state used as the observable φ. Default 0.</summary>
    public int Coordinate { get; init; }

    /// <summary>Seed of the random frequencies (and of the noise of a random map).</summary>
    public ulong Seed { get; init; } = 20201206;

    /// <summary>|x| beyond this counts as divergence.</summary>
    public double DivergenceBound { get; init; } = 1e12;
}

/// <summary>
/// Result of the 0–1 test: <see cref="K"/> ≈ 1 for a chaotic orbit, ≈ 0 for a regular (periodic or quasi-periodic)
/// one. <see cref="KQuantiles"/> are the 5%, 50% and 95% quantiles of K_c over the frequencies (the median is K).
/// </summary>
public sealed record ZeroOneResult(double K, double[] KQuantiles, int Frequencies, int Steps, int BurnIn, int MaxLag,
    double ObservableMean, double[] Start, string Interpretation);

/// <summary>
/// The 0–1 test for chaos of Gottwald &amp; Melbourne (Proc. R. Soc. A 460, 2004; SIAM J. Appl. Dyn. Syst. 8, 2009),
/// in the correlation form with the modified mean square displacement, as ChaosTools' <c>testchaos01</c>:
/// for an observable φ(j) and a frequency c, the translation variables p_c(n) = Σ_{j≤n} φ(j) cos(jc),
/// q_c(n) = Σ_{j≤n} φ(j) sin(jc) stay bounded for regular dynamics and behave like a Brownian motion for chaotic
/// dynamics. Their mean square displacement M_c(n) = (1/(N−n)) Σ_{j≤N−n} |z(j+n) − z(j)|² (z = p + iq), with the
/// oscillatory term V_osc(c, n) = (Eφ)² (1 − cos nc)/(1 − cos c) removed, D_c = M_c − V_osc, grows linearly in n for
/// chaos and stays bounded otherwise; K_c = corr(n, D_c(n)) over n = 1 … n_cut, and K = median_c K_c.
/// The cross term of M_c is an autocorrelation of z computed by FFT, so each frequency costs O(N log N).
/// </summary>
public static class ZeroOneTest
{
    /// <summary>Catalog entry: the 0–1 test on an orbit of the system's map.</summary>
    public static readonly IAnalysis Entry = new Analysis<ZeroOneSettings, ZeroOneResult>(
        "chaos01", "0-1 test for chaos (Gottwald & Melbourne 2009): K near 1 chaotic, near 0 regular",
        (system, settings, progress) => Run(system, settings, progress));

    public static ZeroOneResult Run(DescentSystem system, ZeroOneSettings settings, IProgress<double>? progress = null)
    {
        Validate(settings);
        var map = system.CreateMap("chaos01");
        var f = system.RequireMultiscale("chaos01");
        int d = map.Dimension;
        if (settings.Coordinate < 0 || settings.Coordinate >= d)
            throw new UserInputException($"--coordinate must be between 0 and {d - 1} (got {settings.Coordinate})");
        var start = settings.Start ?? Bifurcation.DefaultStart(f);
        if (start.Length != d) throw new UserInputException($"--start needs {d} coordinate(s) (got {start.Length})");
        var series = Observe(map, start, settings);
        progress?.Report(0.5);
        var cs = Frequencies(settings.Frequencies, settings.Seed);
        var k = Statistics(series, cs, MaxLag(settings));
        progress?.Report(1.0);
        var sorted = k.Order().ToArray();
        double median = Quantile(sorted, 0.5);
        return new ZeroOneResult(median, [Quantile(sorted, 0.05), median, Quantile(sorted, 0.95)], cs.Length,
            settings.Steps, settings.BurnIn, MaxLag(settings), series.Average(), start, Interpret(median));
    }

    /// <summary>K = median of <see cref="Statistics"/> over the given frequencies (for any recorded series).</summary>
    public static double Statistic(ReadOnlySpan<double> series, ReadOnlySpan<double> frequencies, int maxLag)
    {
        var k = Statistics(series, frequencies, maxLag);
        Array.Sort(k);
        return Quantile(k, 0.5);
    }

    /// <summary>K_c for each frequency c (in parallel; each c is independent, so the order of the result and its
    /// values do not depend on the thread count).</summary>
    public static double[] Statistics(ReadOnlySpan<double> series, ReadOnlySpan<double> frequencies, int maxLag)
    {
        int n = series.Length;
        if (maxLag < 2 || maxLag >= n / 2) throw new UserInputException($"the 0-1 test needs 2 <= n_cut < N/2 (n_cut = {maxLag}, N = {n})");
        var phi = series.ToArray();
        var c = frequencies.ToArray();
        var k = new double[c.Length];
        Parallel.For(0, c.Length, i => k[i] = Correlation(phi, c[i], maxLag));
        return k;
    }

    /// <summary>c_i uniform on (π/5, 4π/5) from a xoshiro256** stream (away from the resonances c = 0, π).</summary>
    public static double[] Frequencies(int count, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 0x01);
        var c = new double[count];
        for (int i = 0; i < count; i++) c[i] = Math.PI / 5 + rng.NextDouble() * (3 * Math.PI / 5);
        return c;
    }

    /// <summary>K_c = corr(n, D_c(n)), n = 1 … n_cut.</summary>
    public static double Correlation(double[] phi, double c, int maxLag)
    {
        var d = DisplacementCurve(phi, c, maxLag);
        double mx = (maxLag + 1) / 2.0, my = d.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int j = 0; j < maxLag; j++)
        {
            double dx = j + 1 - mx, dy = d[j] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }

    /// <summary>D_c(n) = M_c(n) − V_osc(c, n) for n = 1 … n_cut (index n − 1).</summary>
    public static double[] DisplacementCurve(double[] phi, double c, int maxLag)
    {
        int n = phi.Length;
        // z(j) = Σ_{k≤j} φ(k) e^{ikc}, j = 1 … N; cos/sin of jc from the library, not a recurrence, so no drift.
        var z = new Complex[n];
        Complex acc = Complex.Zero;
        for (int j = 0; j < n; j++)
        {
            double a = (j + 1) * c;
            acc += phi[j] * new Complex(Math.Cos(a), Math.Sin(a));
            z[j] = acc;
        }
        // Σ_{j<N−m} |z(j+m)|² and Σ_{j<N−m} |z(j)|² from prefix sums of |z|².
        var prefix = new double[n + 1];
        for (int j = 0; j < n; j++) prefix[j + 1] = prefix[j] + z[j].Real * z[j].Real + z[j].Imaginary * z[j].Imaginary;
        var cross = Autocorrelation(z, maxLag);
        double mean = phi.Average();
        var d = new double[maxLag];
        for (int m = 1; m <= maxLag; m++)
        {
            int count = n - m;
            double upper = prefix[n] - prefix[m], lower = prefix[count];
            double msd = (upper + lower - 2 * cross[m]) / count;
            double vosc = mean * mean * (1 - Math.Cos(m * c)) / (1 - Math.Cos(c));
            d[m - 1] = msd - vosc;
        }
        return d;
    }

    /// <summary>Re Σ_{j&lt;N−m} z(j+m) conj(z(j)) for m = 0 … maxLag, by zero-padded FFT (Wiener–Khinchin).</summary>
    private static double[] Autocorrelation(Complex[] z, int maxLag)
    {
        int n = z.Length, size = 1;
        while (size < 2 * n) size <<= 1;
        var buffer = new Complex[size];
        Array.Copy(z, buffer, n);
        Fourier.Forward(buffer, FourierOptions.NoScaling);
        for (int i = 0; i < size; i++) buffer[i] = new Complex(buffer[i].Magnitude * buffer[i].Magnitude, 0);
        Fourier.Inverse(buffer, FourierOptions.NoScaling);
        var r = new double[maxLag + 1];
        // With X = FFT(z), IFFT(|X|²)[m] = Σ_j z(j+m) conj(z(j)) (times the length without scaling).
        for (int m = 0; m <= maxLag; m++) r[m] = buffer[m].Real / size;
        return r;
    }

    private static double[] Observe(OptimizerMap map, double[] start, ZeroOneSettings s)
    {
        int d = map.Dimension;
        var state = new double[map.StateBlocks * d];
        start.CopyTo(state, 0);
        map.Initialize(state, 1);
        var scratch = new double[map.ScratchLength(1)];
        var rng = Xoshiro256.ForStream(s.Seed, 0x02);
        var series = new double[s.Steps];
        long total = (long)s.BurnIn + s.Steps;
        for (long step = 0; step < total; step++)
        {
            map.Step(state, 1, ref rng, scratch);
            double x = state[s.Coordinate];
            if (!double.IsFinite(x) || Math.Abs(x) > s.DivergenceBound)
                throw new UserInputException($"the orbit diverged at step {step + 1} (|x| > {s.DivergenceBound:G3}): the 0-1 test needs a bounded orbit; lower eta");
            if (step >= s.BurnIn) series[step - s.BurnIn] = x;
        }
        return series;
    }

    private static int MaxLag(ZeroOneSettings s) => Math.Max(2, (int)(s.LagFraction * s.Steps));

    private static void Validate(ZeroOneSettings s)
    {
        if (s.Steps < 100) throw new UserInputException($"--steps must be at least 100 (got {s.Steps})");
        if (s.BurnIn < 0) throw new UserInputException($"--burn-in must be >= 0 (got {s.BurnIn})");
        if (s.Frequencies < 1) throw new UserInputException($"--frequencies must be >= 1 (got {s.Frequencies})");
        if (!(s.LagFraction > 0 && s.LagFraction < 0.5)) throw new UserInputException($"the lag fraction must be in (0, 0.5) (got {s.LagFraction})");
    }

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static string Interpret(double k) => k switch
    {
        > 0.8 => "chaotic (K near 1)",
        < 0.2 => "regular (K near 0)",
        _ => "inconclusive (K between 0.2 and 0.8): lengthen the orbit (--steps) or check for intermittency",
    };
}
