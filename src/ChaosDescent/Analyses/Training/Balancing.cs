using ChaosDescent.Learning;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Analyses.Training;

/// <summary>
/// Matrix factorization f(X, Y) = ½‖A − XYᵀ‖²_F with A ∈ ℝ^{n×m}, X ∈ ℝ^{n×d}, Y ∈ ℝ^{m×d} (Wang, Chen, Zhao &amp; Tao,
/// ICLR 2022, eq. 1; d = n = m = 1 is their scalar case ½(xy − a)²). Parameters are θ = (X row-major, Y row-major).
/// </summary>
public sealed class MatrixFactorization : IScalarField
{
    private readonly double[] _a;
    private readonly double[] _residual;

    public MatrixFactorization(int rows, int cols, int rank, double[] target)
    {
        if (target.Length != rows * cols) throw new ArgumentException("A must have rows·cols entries", nameof(target));
        Rows = rows; Cols = cols; Rank = rank;
        _a = (double[])target.Clone();
        _residual = new double[rows * cols];
        Dimension = (rows + cols) * rank;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int Rank { get; }
    public int Dimension { get; }
    public bool IsThreadSafe => false;

    /// <summary>‖X‖²_F − ‖Y‖²_F; gradient flow conserves XᵀX − YᵀY and hence this trace.</summary>
    public double Imbalance(ReadOnlySpan<double> theta)
    {
        int nx = Rows * Rank;
        double x2 = 0, y2 = 0;
        for (int i = 0; i < nx; i++) x2 += theta[i] * theta[i];
        for (int i = nx; i < Dimension; i++) y2 += theta[i] * theta[i];
        return x2 - y2;
    }

    /// <summary>Σ of squares of all parameters, ‖X‖²_F + ‖Y‖²_F.</summary>
    public static double SquaredNorm(ReadOnlySpan<double> theta)
    {
        double s = 0;
        foreach (double t in theta) s += t * t;
        return s;
    }

    // R = XYᵀ − A into _residual; returns ½‖R‖².
    private double Residual(ReadOnlySpan<double> theta)
    {
        int n = Rows, m = Cols, d = Rank;
        var x = theta[..(n * d)];
        var y = theta[(n * d)..];
        double half = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += x[i * d + k] * y[j * d + k];
                double r = s - _a[i * m + j];
                _residual[i * m + j] = r;
                half += r * r;
            }
        return 0.5 * half;
    }

    public double Value(ReadOnlySpan<double> theta) => Residual(theta);

    /// <summary>∇_X f = R Y, ∇_Y f = Rᵀ X with R = XYᵀ − A.</summary>
    public double ValueAndGradient(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double value = Residual(theta);
        int n = Rows, m = Cols, d = Rank;
        var x = theta[..(n * d)];
        var y = theta[(n * d)..];
        var gx = gradient[..(n * d)];
        var gy = gradient[(n * d)..Dimension];
        gx.Clear(); gy.Clear();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double r = _residual[i * m + j];
                for (int k = 0; k < d; k++)
                {
                    gx[i * d + k] += r * y[j * d + k];
                    gy[j * d + k] += r * x[i * d + k];
                }
            }
        return value;
    }

    public void Gradient(ReadOnlySpan<double> theta, Span<double> gradient) => ValueAndGradient(theta, gradient);

    /// <summary>For a direction (U, V): ∂(∇_X) = (UYᵀ + XVᵀ)Y + RV, ∂(∇_Y) = (UYᵀ + XVᵀ)ᵀX + RᵀU.</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> w, Span<double> hv)
    {
        Residual(theta);
        int n = Rows, m = Cols, d = Rank;
        var x = theta[..(n * d)];
        var y = theta[(n * d)..];
        var u = w[..(n * d)];
        var v = w[(n * d)..];
        var hx = hv[..(n * d)];
        var hy = hv[(n * d)..Dimension];
        hx.Clear(); hy.Clear();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double dr = 0;
                for (int k = 0; k < d; k++) dr += u[i * d + k] * y[j * d + k] + x[i * d + k] * v[j * d + k];
                double r = _residual[i * m + j];
                for (int k = 0; k < d; k++)
                {
                    hx[i * d + k] += dr * y[j * d + k] + r * v[j * d + k];
                    hy[j * d + k] += dr * x[i * d + k] + r * u[i * d + k];
                }
            }
    }

    public void Hessian(ReadOnlySpan<double> theta, Span<double> hessian) => HessianColumns.Assemble(this, theta, hessian);

    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);
}

/// <summary>Settings of <see cref="Balancing"/>.</summary>
public sealed record BalancingSettings
{
    /// <summary>A is n×m, the factors have d columns; 1, 1, 1 is the scalar case ½(xy − a)².</summary>
    public int Rows { get; init; } = 4;
    public int Cols { get; init; } = 4;
    public int Rank { get; init; } = 1;

    /// <summary>X0 = Unbalance·G_X/√(n·d)·…, Y0 = G_Y/(Unbalance·…): ‖X0‖_F/‖Y0‖_F ≈ Unbalance².</summary>
    public double Unbalance { get; init; } = 3;

    /// <summary>The grid of η/(2/L), L = λ_max(∇²f) at the initialization (the local smoothness GD starts in).</summary>
    public double[] EtaRatio { get; init; } = [0.05, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.5, 3.0];

    public int Seeds { get; init; } = 8;
    public int Steps { get; init; } = 20000;

    /// <summary>A run has converged when its final loss is below this value.</summary>
    public double ConvergedLoss { get; init; } = 1e-8;

    /// <summary>Balanced: |‖X‖² − ‖Y‖²| ≤ this fraction of ‖X‖² + ‖Y‖² at the end.</summary>
    public double BalancedFraction { get; init; } = 0.05;

    public ulong Seed { get; init; } = 1;
}

/// <summary>One η/(2/L) grid point over initializations.</summary>
public sealed record BalancingPoint(
    double EtaRatio, int Runs, double Converged, double Diverged, double Balanced, double BalancedLo, double BalancedHi,
    double MeanFinalImbalance, double MeanInitialImbalance, double MeanRelativeImbalance, double MeanFinalLoss);

public sealed record BalancingResult(
    int Rows, int Cols, int Rank, double Unbalance, int Seeds, int Steps, double MeanL, BalancingPoint[] Points, string Note, ulong Seed);

/// <summary>
/// The balancing effect of large learning rates (Wang, Chen, Zhao &amp; Tao, ICLR 2022): gradient flow on
/// ½‖A − XYᵀ‖²_F conserves XᵀX − YᵀY (hence ‖X‖²_F − ‖Y‖²_F), and small-η GD nearly does (the change is O(η²) per
/// step), while GD with a constant η beyond 2/L from an unbalanced start cannot stay near the sharp minima it starts
/// by (GD is unstable where λ_max &gt; 2/η) and lands on a flatter, more balanced one. Sweeps η/(2/L) against the final
/// imbalance |‖X‖²_F − ‖Y‖²_F| on the library's GD map.
/// </summary>
public static class Balancing
{
    public static readonly IAnalysis Entry = new Analysis<BalancingSettings, BalancingResult>(
        "balancing", "final imbalance |‖X‖²−‖Y‖²| of GD on ½‖A−XYᵀ‖² against eta/(2/L) (Wang, Chen, Zhao & Tao, ICLR 2022)", Run);

    public static BalancingResult Run(DescentSystem system, BalancingSettings settings, IProgress<double>? progress = null)
    {
        Validate(settings);
        int n = settings.Rows, m = settings.Cols, d = settings.Rank;
        var arng = Xoshiro256.ForStream(settings.Seed, ulong.MaxValue);
        // A = P Qᵀ of rank d with entries O(1/√d·…): exactly representable, so the minimum value is 0.
        var pa = new double[n * d];
        var qa = new double[m * d];
        for (int i = 0; i < pa.Length; i++) pa[i] = arng.NextGaussian() / Math.Sqrt(d);
        for (int i = 0; i < qa.Length; i++) qa[i] = arng.NextGaussian();
        var a = new double[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                for (int k = 0; k < d; k++) a[i * m + j] += pa[i * d + k] * qa[j * d + k];
        var model = new MatrixFactorization(n, m, d, a);
        int p = model.Dimension;
        var theta0 = new double[settings.Seeds][];
        var lipschitz = new double[settings.Seeds];
        for (int s = 0; s < settings.Seeds; s++)
        {
            var rng = Xoshiro256.ForStream(settings.Seed, (ulong)s);
            var t = new double[p];
            double sx = settings.Unbalance / Math.Sqrt(d), sy = 1 / (settings.Unbalance * Math.Sqrt(d));
            for (int k = 0; k < n * d; k++) t[k] = sx * rng.NextGaussian();
            for (int k = n * d; k < p; k++) t[k] = sy * rng.NextGaussian();
            theta0[s] = t;
            lipschitz[s] = TopEigenvalue(model, t);
        }
        var points = new BalancingPoint[settings.EtaRatio.Length];
        var theta = new double[p];
        for (int g = 0; g < points.Length; g++)
        {
            int conv = 0, div = 0, bal = 0;
            double finalImb = 0, initImb = 0, relImb = 0, finalLoss = 0;
            for (int s = 0; s < settings.Seeds; s++)
            {
                theta0[s].CopyTo(theta, 0);
                double eta = settings.EtaRatio[g] * 2 / lipschitz[s];
                double init = Math.Abs(model.Imbalance(theta));
                var map = new GradientDescentMap(model, eta);
                var rng = Xoshiro256.ForStream(settings.Seed, 0);
                bool diverged = false;
                var observer = MapIteration.Observer((_, _, value, _) =>
                {
                    if (!double.IsFinite(value) || value > 1e12) { diverged = true; return false; }
                    return true;
                }, _ => true);
                MapIteration.Run(map, theta, settings.Steps, ref rng, observer);
                double loss = model.Value(theta);
                if (diverged || !double.IsFinite(loss)) { div++; continue; }
                if (loss > settings.ConvergedLoss) continue;
                conv++;
                double imb = Math.Abs(model.Imbalance(theta)), rel = imb / MatrixFactorization.SquaredNorm(theta);
                if (rel <= settings.BalancedFraction) bal++;
                finalImb += imb; initImb += init; relImb += rel; finalLoss += loss;
            }
            int runs = settings.Seeds;
            var (lo, hi) = ChaosDescent.Analyses.Landscapes.Escapes.MicroEscape.Wilson(bal, runs);
            points[g] = new BalancingPoint(settings.EtaRatio[g], runs, (double)conv / runs, (double)div / runs, (double)bal / runs, lo, hi,
                conv > 0 ? finalImb / conv : double.NaN, conv > 0 ? initImb / conv : double.NaN, conv > 0 ? relImb / conv : double.NaN,
                conv > 0 ? finalLoss / conv : double.NaN);
            progress?.Report((g + 1.0) / points.Length);
        }
        return new BalancingResult(n, m, d, settings.Unbalance, settings.Seeds, settings.Steps, lipschitz.Average(), points,
            "L is lambda_max of the Hessian at each initialization (power iteration on exact Hessian-vector products); " +
            "imbalance statistics are over converged runs", settings.Seed);
    }

    /// <summary>λ_max(∇²f(θ)) by power iteration on the shifted operator H + cI (c bounds |λ_min| by ‖θ‖² + ‖A‖-scale), exact HVPs.</summary>
    public static double TopEigenvalue(MatrixFactorization model, ReadOnlySpan<double> theta, int iterations = 500)
    {
        int p = model.Dimension;
        var v = new double[p];
        var hv = new double[p];
        var rng = Xoshiro256.ForStream(12345, 0);
        for (int i = 0; i < p; i++) v[i] = rng.NextGaussian();
        double shift = MatrixFactorization.SquaredNorm(theta) + Math.Sqrt(2 * model.Value(theta)) + 1;
        double lambda = 0;
        for (int it = 0; it < iterations; it++)
        {
            double norm = Math.Sqrt(v.Sum(z => z * z));
            for (int i = 0; i < p; i++) v[i] /= norm;
            model.HessianVectorProduct(theta, v, hv);
            double rq = 0;
            for (int i = 0; i < p; i++) { rq += v[i] * hv[i]; hv[i] += shift * v[i]; }
            lambda = rq;
            hv.CopyTo(v, 0);
        }
        return lambda;
    }

    private static void Validate(BalancingSettings s)
    {
        if (s.Rows < 1 || s.Cols < 1 || s.Rank < 1) throw new UserInputException("balancing: --rows, --cols and --rank must be at least 1");
        if (s.Seeds < 1 || s.Steps < 1) throw new UserInputException("balancing: --seeds and --steps must be at least 1");
        if (!(s.Unbalance > 0) || !double.IsFinite(s.Unbalance)) throw new UserInputException("balancing: --unbalance must be a positive number");
        if (s.EtaRatio.Length == 0 || s.EtaRatio.Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new UserInputException("balancing: every eta/(2/L) grid value must be a positive finite number");
    }
}
