using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Analyses.Chaos;

/// <summary>Where and how densely to search for a Li–Yorke witness.</summary>
public sealed record LiYorkeSettings
{
    /// <summary>Search interval; null = centred on the minimizer of f0 over its typical range, half-width 20·(ε + η·max|ζ|)
    /// (Thm. 8's proof builds the witness next to a stationary point of f0, from jumps of size ~η|ζ|).</summary>
    public double? Lo { get; init; }
    public double? Hi { get; init; }

    /// <summary>Candidate points a (uniform grid); raised automatically so that the spacing is at most ε/16.</summary>
    public int Points { get; init; } = 200_000;

    /// <summary>Upper limit of the automatic raise.</summary>
    public int MaxPoints { get; init; } = 4_000_000;
}

/// <summary>
/// A witness of Thm. 18: a with b = φ(a), c = φ²(a), d = φ³(a) and d ≤ a &lt; b &lt; c ("up") or d ≥ a > b > c
/// ("down"), every inequality holding by more than <see cref="ErrorBound"/>, the propagated bound on the rounding
/// error of b, c, d. <see cref="Margin"/> is the smallest gap minus its error bound (> 0 when found).
/// </summary>
public sealed record LiYorkeWitness(bool Found, double A, double B, double C, double D, string? Pattern, double Margin,
    double ErrorBound, double Lo, double Hi, int Points, double Lipschitz)
{
    /// <summary>What the error bound assumes.</summary>
    public const string ErrorModel =
        "first-order rounding-error bound of x - eta*f'(x) (Horner bound for polynomial f0; phase rounding 3u|w x/eps| and 1-ulp cos/sin for sine sums), times 4, propagated through phi with its Lipschitz bound";
}

/// <summary>
/// Searches for a Li–Yorke witness (Thm. 18, used for GD in Thm. 8) of the GD map φ(x) = x − η f'(x) of a 1-D
/// objective. Li–Yorke theory is about interval maps (Rmk. 6): the map must have a single scalar state.
/// The computed b̂, ĉ, d̂ carry rounding errors; with δ(x) a bound on the error of one evaluation and L a Lipschitz
/// bound of φ on the points' hull, |b − b̂| ≤ Δ_b = δ(a), |c − ĉ| ≤ Δ_c = δ(b̂) + LΔ_b, |d − d̂| ≤ Δ_d = δ(ĉ) + LΔ_c,
/// and the witness is accepted only when every inequality holds with these margins, so it is a witness of the
/// exact map, not of its floating-point shadow.
/// </summary>
public static class LiYorke
{
    private const double U = 1.1102230246251565e-16; // unit roundoff 2^-53

    public static LiYorkeWitness Search(OptimizerMap map, LiYorkeSettings? settings = null)
    {
        settings ??= new LiYorkeSettings();
        if (map is not GradientDescentMap || map.Dimension != 1)
            throw new UserInputException(
                "Li-Yorke (Thm. 18) is a statement about interval maps: it needs the gd map on a 1-D objective (Rmk. 6)");
        var f = map.Multiscale;
        double eta = map.LearningRate, scale = WellGeometry.Scale(f);
        var bounds = new ErrorBounds(f);
        double lo, hi;
        if (settings.Lo is { } l && settings.Hi is { } h) (lo, hi) = (l, h);
        else if (settings.Lo is not null || settings.Hi is not null) throw new UserInputException("give both --lo and --hi, or neither");
        else
        {
            double c = Bifurcation.DefaultStart(f)[0] - 0.37 * scale;
            double w = 20 * (scale + eta * bounds.MaxMicroGradient);
            (lo, hi) = (c - w, c + w);
        }
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi)) throw new UserInputException($"search interval must satisfy lo < hi (got {lo}, {hi})");
        if (settings.Points < 2) throw new UserInputException("at least 2 search points are needed");
        long wanted = (long)Math.Ceiling((hi - lo) / (scale / 16)) + 1;
        int points = (int)Math.Clamp(Math.Max(settings.Points, wanted), 2, Math.Max(settings.Points, settings.MaxPoints));

        double Phi(double x) => x - eta * f.Derivative(x);
        double bestMargin = double.NegativeInfinity;
        (double A, double B, double C, double D, string P, double Err, double L)? best = null;
        for (int i = 0; i < points; i++)
        {
            double a = lo + (hi - lo) * i / (points - 1);
            double b = Phi(a), c = Phi(b), d = Phi(c);
            if (!double.IsFinite(d)) continue;
            bool up = d <= a && a < b && b < c, down = d >= a && a > b && b > c;
            if (!up && !down) continue;
            double hullLo = Math.Min(Math.Min(a, b), Math.Min(c, d)), hullHi = Math.Max(Math.Max(a, b), Math.Max(c, d));
            double L = bounds.Lipschitz(eta, hullLo, hullHi);
            double db = bounds.PhiError(eta, a), dc = bounds.PhiError(eta, b) + L * db, dd = bounds.PhiError(eta, c) + L * dc;
            double m1, m2, m3;
            if (up)
            {
                m1 = (b - a) - db;            // a < b
                m2 = (c - b) - db - dc;       // b < c
                m3 = (a - d) - dd;            // d ≤ a (required strictly, with margin)
            }
            else
            {
                m1 = (a - b) - db;
                m2 = (b - c) - db - dc;
                m3 = (d - a) - dd;
            }
            double margin = Math.Min(m1, Math.Min(m2, m3));
            if (margin > bestMargin)
            {
                bestMargin = margin;
                best = (a, b, c, d, up ? "d<=a<b<c" : "d>=a>b>c", dd, L);
            }
        }
        if (best is { } w0 && bestMargin > 0)
            return new LiYorkeWitness(true, w0.A, w0.B, w0.C, w0.D, w0.P, bestMargin, w0.Err, lo, hi, points, w0.L);
        return new LiYorkeWitness(false, double.NaN, double.NaN, double.NaN, double.NaN, null,
            best is null ? double.NaN : bestMargin, best?.Err ?? double.NaN, lo, hi, points, best?.L ?? double.NaN);
    }

    /// <summary>δ(x): the bound on |fl(φ(x)) − φ(x)| used for the margins (GD on a 1-D objective).</summary>
    public static double EvaluationErrorBound(OptimizerMap map, double x)
    {
        if (map is not GradientDescentMap || map.Dimension != 1) throw new UserInputException("the error bound is for the gd map of a 1-D objective");
        return new ErrorBounds(map.Multiscale).PhiError(map.LearningRate, x);
    }

    /// <summary>Rounding-error and Lipschitz bounds for φ(x) = x − η f'(x) on a 1-D objective.</summary>
    private sealed class ErrorBounds
    {
        private readonly MultiscaleObjective _f;
        private readonly double[]? _poly;      // derivative coefficients of a polynomial f0
        private readonly SineSumMicroScale? _sines;
        private readonly double _hMax;         // sup over the phase of |ε f1''| (Lipschitz of f1' per unit phase)

        public ErrorBounds(MultiscaleObjective f)
        {
            _f = f;
            if (f.Macro is PolynomialPotential p)
            {
                var c = p.Coefficients;
                _poly = Enumerable.Range(1, Math.Max(0, c.Count - 1)).Select(k => k * c[k]).ToArray();
            }
            _sines = f.Micro as SineSumMicroScale;
            if (f.Micro is null) _hMax = 0;
            else if (_sines is not null) _hMax = Enumerable.Range(0, _sines.Amplitudes.Count).Sum(i => Math.Abs(_sines.Amplitudes[i]) * _sines.Frequencies[i] * _sines.Frequencies[i]);
            else if (f.Micro.Kind != MicroScaleKind.General) _hMax = MConstant.MaxScaledHessianNorm(f.Micro);
            else _hMax = double.NaN; // estimated locally below
            MaxMicroGradient = f.Micro?.NoiseStatistics?.Range.Max(r => Math.Max(Math.Abs(r.Min), Math.Abs(r.Max)))
                ?? (f.Micro is null ? 0 : SampledMax(x => Math.Abs(Grad1(x))));
        }

        /// <summary>max |∇f1,ε| (the |ζ| range).</summary>
        public double MaxMicroGradient { get; }

        private double Grad1(double x)
        {
            Span<double> g = stackalloc double[1];
            _f.Micro!.Gradient([x], _f.Epsilon, g);
            return g[0];
        }

        private double SampledMax(Func<double, double> g)
        {
            var (lo, hi) = _f.Macro.TypicalRange;
            double m = 0;
            for (int i = 0; i <= 20000; i++) m = Math.Max(m, g(lo + (hi - lo) * i / 20000));
            return 1.1 * m;
        }

        /// <summary>Bound on |fl(φ(x)) − φ(x)|.</summary>
        public double PhiError(double eta, double x)
        {
            double ax = Math.Abs(x), g = _f.Derivative(x);
            double e0;
            if (_poly is { Length: > 0 })
            {
                // Horner: |error| ≤ γ_2n Σ |d_k| |x|^k
                double s = 0, pw = 1;
                foreach (var dk in _poly)
                {
                    s += Math.Abs(dk) * pw;
                    pw *= ax;
                }
                int n = _poly.Length;
                e0 = 2 * n * U / (1 - 2 * n * U) * s;
            }
            else e0 = 16 * U * (Math.Abs(_f.Macro.Derivative(x)) + ax * Math.Abs(_f.Macro.SecondDerivative(x)) + 1e-300);
            double e1 = 0;
            if (_f.Micro is not null)
            {
                double eps = _f.Epsilon;
                if (_sines is not null)
                {
                    for (int i = 0; i < _sines.Amplitudes.Count; i++)
                    {
                        double aw = Math.Abs(_sines.Amplitudes[i] * _sines.Frequencies[i]);
                        double phaseErr = 3 * U * (Math.Abs(_sines.Frequencies[i] * x / eps) + Math.Abs(_sines.Offsets[i])) + 2 * U;
                        e1 += aw * (phaseErr + 2 * U);
                    }
                    e1 += (_sines.Amplitudes.Count + 1) * U * MaxMicroGradient;
                }
                else
                {
                    double h = double.IsFinite(_hMax) ? _hMax : 4 * eps * Math.Abs(_f.Micro.Hessian1(x, eps)) + 1;
                    e1 = 4 * U * MaxMicroGradient + 3 * U * (ax / eps + 1) * h;
                }
            }
            double eg = e0 + e1;
            double total = eta * eg + U * eta * Math.Abs(g) + U * (ax + eta * Math.Abs(g));
            return 4 * total;
        }

        /// <summary>Bound on |φ'| over [lo, hi]: 1 + η(max|f0''| + sup|f1''|).</summary>
        public double Lipschitz(double eta, double lo, double hi)
        {
            double m0 = 0;
            for (int i = 0; i <= 256; i++) m0 = Math.Max(m0, Math.Abs(_f.Macro.SecondDerivative(lo + (hi - lo) * i / 256)));
            m0 = 1.1 * m0 + 1e-12;
            double m1 = _f.Micro is null ? 0
                : double.IsFinite(_hMax) ? _hMax / _f.Epsilon
                : 4 * Math.Abs(_f.Micro.Hessian1(0.5 * (lo + hi), _f.Epsilon)) + 1 / _f.Epsilon;
            return 1 + eta * (m0 + m1);
        }
    }

    private static double Hessian1(this MicroScale m, double x, double eps)
    {
        Span<double> h = stackalloc double[1];
        m.Hessian([x], eps, h);
        return h[0];
    }
}
