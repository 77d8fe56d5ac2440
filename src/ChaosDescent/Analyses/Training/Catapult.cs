using ChaosDescent.Learning;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Training;

/// <summary>
/// The uv model of Lewkowycz, Bahri, Dyer, Sohl-Dickstein &amp; Gur-Ari (2020), Sec. 2: a two-layer linear network of
/// width n on one data point (x, y), f = n^{-1/2} vᵀu·x with u, v ∈ ℝⁿ, loss L = ½(f − y)². Parameters are
/// θ = (u₁ … uₙ, v₁ … vₙ). Its NTK on the data point is λ = x²(‖u‖² + ‖v‖²)/n, and at a minimum (f = y) the Hessian
/// is the rank-one g gᵀ with ‖g‖² = λ, so the sharpness there equals the NTK eigenvalue.
/// </summary>
public sealed class UvModel(int width, double input = 1, double target = 0) : IScalarField
{
    private readonly double _scale = input / Math.Sqrt(width);

    public int Dimension { get; } = 2 * width;
    public int Width { get; } = width;
    public double Input { get; } = input;
    public double Target { get; } = target;

    /// <summary>f(θ) = n^{-1/2} vᵀu·x.</summary>
    public double Output(ReadOnlySpan<double> theta)
    {
        int n = Width;
        double s = 0;
        for (int i = 0; i < n; i++) s += theta[i] * theta[n + i];
        return _scale * s;
    }

    /// <summary>The NTK eigenvalue λ = x²(‖u‖² + ‖v‖²)/n (Lewkowycz et al. 2020, eq. 3).</summary>
    public double Ntk(ReadOnlySpan<double> theta)
    {
        double s = 0;
        foreach (double t in theta) s += t * t;
        return _scale * _scale * s;
    }

    public double Value(ReadOnlySpan<double> theta)
    {
        double r = Output(theta) - Target;
        return 0.5 * r * r;
    }

    public void Gradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int n = Width;
        double r = (Output(theta) - Target) * _scale;
        for (int i = 0; i < n; i++)
        {
            gradient[i] = r * theta[n + i];
            gradient[n + i] = r * theta[i];
        }
    }

    public double ValueAndGradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Gradient(theta, gradient);
        return Value(theta);
    }

    /// <summary>H·w = g(g·w) + (f − y)·n^{-1/2}x·(w_v, w_u), with g = ∂f/∂θ = n^{-1/2}x·(v, u).</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> w, Span<double> hv)
    {
        int n = Width;
        double gw = 0;
        for (int i = 0; i < n; i++) gw += theta[n + i] * w[i] + theta[i] * w[n + i];
        gw *= _scale;
        double r = (Output(theta) - Target) * _scale;
        for (int i = 0; i < n; i++)
        {
            hv[i] = _scale * theta[n + i] * gw + r * w[n + i];
            hv[n + i] = _scale * theta[i] * gw + r * w[i];
        }
    }

    public void Hessian(ReadOnlySpan<double> theta, Span<double> hessian) => HessianColumns.Assemble(this, theta, hessian);

    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);
}

/// <summary>Settings of <see cref="Catapult"/>.</summary>
public sealed record CatapultSettings
{
    /// <summary>Width n of the uv model (the paper's wide limit; their Fig. 2 uses n = 1000).</summary>
    public int Width { get; init; } = 1000;

    /// <summary>The data point (x, y); the paper's Sec. 2 analysis takes x = 1, y = 0.</summary>
    public double Input { get; init; } = 1;
    public double Target { get; init; } = 0;

    /// <summary>The grid of η·λ0 (λ0 the NTK eigenvalue at each initialization): lazy below 2, catapult up to 4.</summary>
    public double[] EtaLambda { get; init; } = [0.5, 1.0, 1.5, 1.9, 2.1, 2.5, 3.0, 3.5, 3.9, 4.1, 4.5, 5.0];

    /// <summary>Independent initializations u, v ~ N(0, 1) per grid point.</summary>
    public int Seeds { get; init; } = 8;

    /// <summary>Gradient-descent steps per run.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>A run has converged when its final loss is below this fraction of its initial loss.</summary>
    public double ConvergedFraction { get; init; } = 1e-8;

    /// <summary>A run has diverged when its loss exceeds this multiple of its initial loss (or is not finite).</summary>
    public double DivergedFactor { get; init; } = 1e12;

    /// <summary>Steps of the first initialization's loss kept per grid point (the spike plot).</summary>
    public int TraceSteps { get; init; } = 200;

    public ulong Seed { get; init; } = 1;
}

/// <summary>One η·λ0 grid point over all initializations; fractions with 95 % Wilson intervals.</summary>
public sealed record CatapultPoint(
    double EtaLambda, int Runs, double Lazy, double LazyLo, double LazyHi, double CatapultFraction, double CatapultLo,
    double CatapultHi, double Diverged, double DivergedLo, double DivergedHi, double NotConverged,
    double MeanFinalSharpnessEta, double MeanFinalLossRatio, double MeanPeakLossRatio, double[] LossTrace);

/// <summary>Catapult phase diagram of the uv model against the paper's 2 &lt; ηλ0 &lt; 4.</summary>
public sealed record CatapultResult(
    string Model, int Width, double Input, double Target, int Seeds, int Steps, CatapultPoint[] Points,
    double? MeasuredCatapultOnset, double? MeasuredEtaMax, double TheoryCatapultOnset, double TheoryEtaMax, string Note, ulong Seed);

/// <summary>
/// The large-learning-rate phases of Lewkowycz et al. (2020): with λ0 the initial NTK eigenvalue, GD is lazy for
/// η &lt; 2/λ0 (the kernel barely moves, the loss falls monotonically), catapults for 2/λ0 &lt; η &lt; η_max (the loss
/// first grows, the curvature λ falls until ηλ &lt; 2, then the run converges in a flatter minimum) and diverges above
/// η_max, which is 4/λ0 for the uv model at large width (their Sec. 2.2). Each run uses the library's GD map and
/// orbit driver; a catapult is a converged run whose loss rose above its initial value.
/// </summary>
public static class Catapult
{
    /// <summary>Catalog entry.</summary>
    public static readonly IAnalysis Entry = new Analysis<CatapultSettings, CatapultResult>(
        "catapult", "lazy / catapult / divergent phases of GD on the uv model in eta*lambda0, against 2 < eta*lambda0 < 4 (Lewkowycz et al. 2020)", Run);

    public static CatapultResult Run(DescentSystem system, CatapultSettings settings, IProgress<double>? progress = null)
    {
        Validate(settings);
        var model = new UvModel(settings.Width, settings.Input, settings.Target);
        int d = model.Dimension;
        var points = new CatapultPoint[settings.EtaLambda.Length];
        var theta = new double[d];
        for (int p = 0; p < points.Length; p++)
        {
            double etaLambda = settings.EtaLambda[p];
            int lazy = 0, catapult = 0, diverged = 0, notConverged = 0, converged = 0;
            double sharpEta = 0, finalRatio = 0, peakRatio = 0;
            double[] trace = [];
            for (int s = 0; s < settings.Seeds; s++)
            {
                // The same initialization for every grid point (stream = seed index), so phases compare like with like.
                var rng = Xoshiro256.ForStream(settings.Seed, (ulong)s);
                for (int k = 0; k < d; k++) theta[k] = rng.NextGaussian();
                if (settings.Target == 0 && model.Output(theta) == 0) theta[0] += 1e-3;
                double lambda0 = model.Ntk(theta);
                double eta = etaLambda / lambda0;
                var run = RunOne(model, theta, eta, settings, keepTrace: s == 0);
                if (s == 0) trace = run.Trace;
                if (run.Diverged) { diverged++; continue; }
                if (!run.Converged) { notConverged++; continue; }
                converged++;
                if (run.Peak > run.Initial) catapult++; else lazy++;
                sharpEta += model.Ntk(theta) * eta;
                finalRatio += run.Final / run.Initial;
                peakRatio += run.Peak / run.Initial;
            }
            int n = settings.Seeds;
            var (lzLo, lzHi) = ChaosDescent.Analyses.Landscapes.Escapes.MicroEscape.Wilson(lazy, n);
            var (ctLo, ctHi) = ChaosDescent.Analyses.Landscapes.Escapes.MicroEscape.Wilson(catapult, n);
            var (dvLo, dvHi) = ChaosDescent.Analyses.Landscapes.Escapes.MicroEscape.Wilson(diverged, n);
            points[p] = new CatapultPoint(etaLambda, n, (double)lazy / n, lzLo, lzHi, (double)catapult / n, ctLo, ctHi,
                (double)diverged / n, dvLo, dvHi, (double)notConverged / n,
                converged > 0 ? sharpEta / converged : double.NaN, converged > 0 ? finalRatio / converged : double.NaN,
                converged > 0 ? peakRatio / converged : double.NaN, trace);
            progress?.Report((p + 1.0) / points.Length);
        }
        double? onset = points.FirstOrDefault(q => q.CatapultFraction >= 0.5)?.EtaLambda;
        double? etaMax = points.FirstOrDefault(q => q.Diverged >= 0.5)?.EtaLambda;
        return new CatapultResult("uv", settings.Width, settings.Input, settings.Target, settings.Seeds, settings.Steps, points,
            onset, etaMax, 2, 4,
            "boundaries are the first grid value of eta*lambda0 where at least half the initializations catapult (resp. diverge); " +
            "the theory (Lewkowycz et al. 2020, Sec. 2) is 2 and 4 at large width with y = 0", settings.Seed);
    }

    private readonly record struct RunOutcome(double Initial, double Peak, double Final, bool Converged, bool Diverged, double[] Trace);

    private static RunOutcome RunOne(UvModel model, double[] theta, double eta, CatapultSettings settings, bool keepTrace)
    {
        var map = new GradientDescentMap(model, eta);
        var rng = Xoshiro256.ForStream(settings.Seed, 0);
        double initial = model.Value(theta), peak = initial, last = initial;
        bool diverged = false;
        var trace = keepTrace ? new double[Math.Min(settings.TraceSteps, settings.Steps)] : [];
        var observer = MapIteration.Observer((t, _, value, _) =>
        {
            if (t < trace.Length) trace[t] = double.IsFinite(value) ? value : double.NaN;
            last = value;
            if (!double.IsFinite(value) || value > settings.DivergedFactor * initial) { diverged = true; return false; }
            if (value > peak) peak = value;
            return true;
        }, _ => true);
        MapIteration.Run(map, theta, settings.Steps, ref rng, observer);
        if (!diverged)
        {
            last = model.Value(theta);
            diverged = !double.IsFinite(last) || last > settings.DivergedFactor * initial;
        }
        bool converged = !diverged && last <= settings.ConvergedFraction * initial;
        return new RunOutcome(initial, peak, last, converged, diverged, trace);
    }

    private static void Validate(CatapultSettings s)
    {
        if (s.Width < 1) throw new UserInputException("catapult: --width must be at least 1");
        if (s.Seeds < 1) throw new UserInputException("catapult: --seeds must be at least 1");
        if (s.Steps < 1) throw new UserInputException("catapult: --steps must be at least 1");
        if (s.EtaLambda.Length == 0 || s.EtaLambda.Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new UserInputException("catapult: every eta*lambda0 grid value must be a positive finite number");
        if (!double.IsFinite(s.Input) || s.Input == 0 || !double.IsFinite(s.Target))
            throw new UserInputException("catapult: the input must be finite and non-zero and the target finite");
    }
}
