using ChaosDescent.Objectives;
using ChaosDescent.Statistics;

namespace ChaosDescent.Analyses.Distributions;

/// <summary>
/// The rescaled Gibbs law ρ̃(x) = exp(−2 f0(x)/(η σ²))/Z (paper eq. 2; Prop. 6, Thm. 7: an O(η²) approximation of
/// the stochastic map's invariant law when ζ is isotropic with covariance σ² I). Z by quadrature: on a uniform grid
/// (1-D: 20001 nodes; 2-D: 801² nodes) over the region where the exponent is below 46 (e^−46 ≈ 1e−20 of the peak).
/// Supported: d = 1 and d = 2; anisotropic ζ is refused (the paper's formula needs σ² I).
/// </summary>
public sealed class RescaledGibbs
{
    private const double ExponentCutoff = 46;
    private readonly MacroPotential _f0;
    private readonly double _fmin;
    private readonly TabulatedDistribution[] _marginals;
    private readonly double[,]? _grid2; // normalized density on the 2-D grid [i, j]
    private readonly double[] _lo, _hi;
    private readonly int _nodes2;

    private RescaledGibbs(MacroPotential f0, double eta, double sigma2)
    {
        _f0 = f0;
        Eta = eta;
        Sigma2 = sigma2;
        Temperature = eta * sigma2 / 2;
        int d = f0.Dimension;
        if (d == 1)
        {
            var (lo, hi, fmin) = Support1D(x => f0.Value([x]), f0.TypicalRange);
            _fmin = fmin;
            const int m = 20001;
            var vals = new double[m];
            double h = (hi - lo) / (m - 1);
            for (int i = 0; i < m; i++) vals[i] = Math.Exp(-(f0.Value([lo + i * h]) - fmin) / Temperature);
            _marginals = [new TabulatedDistribution(lo, hi, vals)];
            _lo = [lo];
            _hi = [hi];
        }
        else if (d == 2)
        {
            // Box: along each axis, the support of the profile min over the other coordinate (coarse scan).
            var (tlo, thi) = f0.TypicalRange;
            const int coarse = 401;
            _lo = new double[2];
            _hi = new double[2];
            double fmin = double.PositiveInfinity;
            for (int i = 0; i < coarse; i++)
                for (int j = 0; j < coarse; j++)
                {
                    double x = tlo + (thi - tlo) * i / (coarse - 1), y = tlo + (thi - tlo) * j / (coarse - 1);
                    fmin = Math.Min(fmin, f0.Value([x, y]));
                }
            _fmin = fmin;
            for (int axis = 0; axis < 2; axis++)
            {
                int ax = axis;
                (_lo[ax], _hi[ax], _) = Support1D(t => ProfileMin(f0, ax, t, tlo, thi), (tlo, thi), fmin);
            }
            _nodes2 = 801;
            int n = _nodes2;
            var g = new double[n, n];
            double hx = (_hi[0] - _lo[0]) / (n - 1), hy = (_hi[1] - _lo[1]) / (n - 1);
            double z = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double v = Math.Exp(-(f0.Value([_lo[0] + i * hx, _lo[1] + j * hy]) - fmin) / Temperature);
                    g[i, j] = v;
                    z += SimpsonWeight(i, n) * SimpsonWeight(j, n) * v;
                }
            z *= hx * hy / 9;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) g[i, j] /= z;
            _grid2 = g;
            var mx = new double[n];
            var my = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    mx[i] += SimpsonWeight(j, n) * g[i, j] * hy / 3;
                    my[j] += SimpsonWeight(i, n) * g[i, j] * hx / 3;
                }
            _marginals = [new TabulatedDistribution(_lo[0], _hi[0], mx), new TabulatedDistribution(_lo[1], _hi[1], my)];
        }
        else
        {
            throw new UserInputException($"the rescaled Gibbs law is tabulated for d = 1 and d = 2 only (this objective has d = {d})");
        }
    }

    /// <summary>η.</summary>
    public double Eta { get; }

    /// <summary>σ² of ζ.</summary>
    public double Sigma2 { get; }

    /// <summary>The effective temperature ησ²/2: ρ̃ ∝ exp(−f0/T).</summary>
    public double Temperature { get; }

    public int Dimension => _f0.Dimension;

    /// <summary>Builds the law for an objective whose ζ is isotropic; σ² is derived from the micro-scale unless given.</summary>
    public static RescaledGibbs For(MultiscaleObjective objective, double eta, double? sigma2 = null)
    {
        if (!(eta > 0)) throw new UserInputException($"η must be positive (got {eta})");
        double s2 = sigma2 ?? SigmaSquared(objective);
        return new RescaledGibbs(objective.Macro, eta, s2);
    }

    /// <summary>σ² and the law at η where the theory gives them; otherwise the user error saying why not, as
    /// <c>Note</c> (σ² stays set when only the law is refused, e.g. for η ≤ 0).</summary>
    public static (double? Sigma2, RescaledGibbs? Gibbs, string? Note) TryFor(MultiscaleObjective objective, double eta)
    {
        double? sigma2 = null;
        try
        {
            sigma2 = SigmaSquared(objective);
            return (sigma2, For(objective, eta, sigma2), null);
        }
        catch (UserInputException e)
        {
            return (sigma2, null, e.Message);
        }
    }

    /// <summary>From f0 and σ² directly.</summary>
    public static RescaledGibbs For(MacroPotential f0, double eta, double sigma2)
    {
        if (!(eta > 0) || !(sigma2 > 0)) throw new UserInputException("η and σ² must be positive");
        return new RescaledGibbs(f0, eta, sigma2);
    }

    /// <summary>σ² of Cond. 1's ζ, or a user error saying why there is none.</summary>
    public static double SigmaSquared(MultiscaleObjective objective)
    {
        var micro = objective.Micro ?? throw new UserInputException($"objective '{objective.Name}' has no micro-scale, so no ζ and no rescaled Gibbs law");
        if (micro.NoiseDependsOnPosition)
            throw new UserInputException($"objective '{objective.Name}': ζ depends on x (Cond. 1 fails), so the rescaled Gibbs law with one σ² does not apply");
        var stats = micro.NoiseStatistics!;
        return stats.Sigma2 ?? throw new UserInputException(
            $"objective '{objective.Name}': ζ is anisotropic (variances {string.Join(", ", stats.Variances.Select(v => v.ToString("G4")))}); the rescaled Gibbs law of Thm. 7 needs Cov ζ = σ² I");
    }

    /// <summary>The marginal law of coordinate k (the law itself in 1-D).</summary>
    public TabulatedDistribution Marginal(int k = 0) => _marginals[k];

    /// <summary>Normalized density at x.</summary>
    public double Density(ReadOnlySpan<double> x)
    {
        double z = Dimension == 1 ? _marginals[0].Normalizer : 1 / GridNormalization;
        return Math.Exp(-(_f0.Value(x) - _fmin) / Temperature) / z;
    }

    private double GridNormalization
    {
        get
        {
            // density = exp(−(f0 − fmin)/T)/Z; recover 1/Z from a grid node.
            var g = _grid2!;
            int n = _nodes2, c = n / 2;
            double hx = (_hi[0] - _lo[0]) / (n - 1), hy = (_hi[1] - _lo[1]) / (n - 1);
            double raw = Math.Exp(-(_f0.Value([_lo[0] + c * hx, _lo[1] + c * hy]) - _fmin) / Temperature);
            return g[c, c] / raw;
        }
    }

    /// <summary>Probabilities of the cells of a 2-D histogram under the law (midpoint rule on 8×8 sub-cells).</summary>
    public double[,] CellMasses(Histogram2D h)
    {
        if (Dimension != 2) throw new InvalidOperationException("2-D only");
        var p = new double[h.BinsX, h.BinsY];
        const int sub = 8;
        double inv = 1 / GridNormalization;
        for (int i = 0; i < h.BinsX; i++)
            for (int j = 0; j < h.BinsY; j++)
            {
                double s = 0;
                for (int a = 0; a < sub; a++)
                    for (int b = 0; b < sub; b++)
                    {
                        double x = h.XLo + (i + (a + 0.5) / sub) * h.WidthX, y = h.YLo + (j + (b + 0.5) / sub) * h.WidthY;
                        s += Math.Exp(-(_f0.Value([x, y]) - _fmin) / Temperature);
                    }
                p[i, j] = s / (sub * sub) * h.WidthX * h.WidthY / inv;
            }
        return p;
    }

    /// <summary>Mean vector.</summary>
    public double[] Mean => _marginals.Select(m => m.Mean).ToArray();

    private static double SimpsonWeight(int i, int n) => i == 0 || i == n - 1 ? 1 : i % 2 == 1 ? 4 : 2;

    private static double ProfileMin(MacroPotential f0, int axis, double t, double lo, double hi)
    {
        // min over the other coordinate on a coarse grid, refined by golden-section near the best node
        const int m = 201;
        double best = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            double s = lo + (hi - lo) * i / (m - 1);
            double v = axis == 0 ? f0.Value([t, s]) : f0.Value([s, t]);
            best = Math.Min(best, v);
        }
        return best;
    }

    /// <summary>Finds [lo, hi] outside which (f(x) − fmin)/T exceeds the cutoff, starting from a typical range.</summary>
    private (double Lo, double Hi, double Fmin) Support1D(Func<double, double> f, (double Lo, double Hi) typical, double? knownMin = null)
    {
        double T = Temperature;
        double a = typical.Lo, b = typical.Hi;
        const int scan = 20001;
        double fmin = knownMin ?? double.PositiveInfinity;
        if (knownMin is null)
            for (int i = 0; i < scan; i++) fmin = Math.Min(fmin, f(a + (b - a) * i / (scan - 1)));
        bool Inside(double x) => (f(x) - fmin) / T <= ExponentCutoff;
        // outermost nodes inside
        int first = -1, last = -1;
        for (int i = 0; i < scan; i++)
        {
            if (!Inside(a + (b - a) * i / (scan - 1))) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (first < 0) throw new UserInputException("rescaled Gibbs: could not locate the minimum of f0 in its typical range");
        double lo = Extend(a + (b - a) * first / (scan - 1), -1), hi = Extend(a + (b - a) * last / (scan - 1), +1);
        // a margin of a few grid cells either side
        double pad = 1e-3 * (hi - lo);
        return (lo - pad, hi + pad, fmin);

        double Extend(double x0, int dir)
        {
            double step = Math.Max(1e-6, 1e-3 * (b - a));
            double inside = x0, outside = x0 + dir * step;
            while (Inside(outside))
            {
                inside = outside;
                step *= 2;
                outside = inside + dir * step;
                if (Math.Abs(outside) > 1e8)
                    throw new UserInputException("rescaled Gibbs law is not normalizable: f0 does not grow fast enough");
            }
            for (int it = 0; it < 200 && Math.Abs(outside - inside) > 1e-12 * (1 + Math.Abs(inside)); it++)
            {
                double mid = 0.5 * (inside + outside);
                if (Inside(mid)) inside = mid; else outside = mid;
            }
            return outside;
        }
    }
}
