using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

/// <summary>
/// A finite-sum objective V(w) = (1/N) Σ_n v_n(w) (the empirical risk of 002/003), with per-sample gradients for
/// SGD and the full Hessian for the stationary-law predictions. Matrices are row-major d×d.
/// </summary>
public abstract class FiniteSumObjective
{
    public abstract string Name { get; }
    public abstract int Dimension { get; }
    public abstract int Count { get; }
    /// <summary>True when V is exactly quadratic (then exp(−V/T)/Z is Gaussian N(w*, T H⁻¹)).</summary>
    public abstract bool IsQuadratic { get; }

    public abstract double Value(ReadOnlySpan<double> w);

    /// <summary>g += scale · ∇v_n(w).</summary>
    public abstract void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale);

    /// <summary>g = ∇V(w).</summary>
    public virtual void Gradient(ReadOnlySpan<double> w, Span<double> g)
    {
        g.Clear();
        for (int n = 0; n < Count; n++) AddSampleGradient(n, w, g, 1.0 / Count);
    }

    /// <summary>h = ∇²V(w), row-major.</summary>
    public abstract void Hessian(ReadOnlySpan<double> w, Span<double> h);

    /// <summary>The minimizer w* by Newton's method with backtracking (V is convex for both models here).</summary>
    public double[] Minimize(int maxIterations = 200)
    {
        int d = Dimension;
        var w = new double[d];
        var g = new double[d];
        var h = new double[d * d];
        var trial = new double[d];
        for (int it = 0; it < maxIterations; it++)
        {
            Gradient(w, g);
            double gn = Math.Sqrt(g.Sum(v => v * v));
            if (gn < 1e-15) break;
            Hessian(w, h);
            var step = Matrix<double>.Build.Dense(d, d, (i, j) => h[i * d + j]).Solve(Vector<double>.Build.DenseOfArray(g));
            double v0 = Value(w), a = 1;
            while (true)
            {
                for (int k = 0; k < d; k++) trial[k] = w[k] - a * step[k];
                if (Value(trial) <= v0 - 1e-4 * a * g.Select((gk, k) => gk * step[k]).Sum() || a < 1e-12) break;
                a /= 2;
            }
            bool moved = false;
            for (int k = 0; k < d; k++) { moved |= trial[k] != w[k]; w[k] = trial[k]; }
            if (!moved) break;
        }
        Gradient(w, g);
        if (g.Any(v => !double.IsFinite(v)) || Math.Sqrt(g.Sum(v => v * v)) > 1e-8 * (1 + Math.Sqrt(w.Sum(v => v * v))))
            throw new UserInputException($"{Name}: no finite minimizer found (‖∇V‖ = {Math.Sqrt(g.Sum(v => v * v)):G3}); for logistic regression the data must not be separable, or add --ridge");
        return w;
    }

    /// <summary>
    /// Σ_g(w) = (1/N) Σ_n (∇v_n − ∇V)(∇v_n − ∇V)ᵀ, the covariance of one uniformly drawn sample gradient. A minibatch
    /// of b drawn without replacement has gradient covariance c_b Σ_g with c_b = (N − b)/(b (N − 1)).
    /// </summary>
    public double[] SampleGradientCovariance(ReadOnlySpan<double> w)
    {
        int d = Dimension;
        var mean = new double[d];
        Gradient(w, mean);
        var c = new double[d * d];
        var gn = new double[d];
        for (int n = 0; n < Count; n++)
        {
            Array.Clear(gn);
            AddSampleGradient(n, w, gn, 1);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) c[i * d + j] += (gn[i] - mean[i]) * (gn[j] - mean[j]) / Count;
        }
        return c;
    }

    public static double BatchFactor(int count, int batch) =>
        batch >= count ? 0 : (double)(count - batch) / (batch * (double)(count - 1));
}

/// <summary>Least squares V(w) = (1/2N) Σ (x_nᵀw − y_n)²: H = XᵀX/N, ∇V = H w − Xᵀy/N.</summary>
public sealed class LeastSquaresObjective : FiniteSumObjective
{
    private readonly RegressionData _data;
    private readonly double[] _h;
    private readonly double[] _c;

    public LeastSquaresObjective(RegressionData data)
    {
        _data = data;
        int d = data.InputCount;
        _h = new double[d * d];
        _c = new double[d];
        for (int n = 0; n < data.Count; n++)
        {
            var x = data.Input(n);
            for (int i = 0; i < d; i++)
            {
                _c[i] += x[i] * data.Targets[n] / data.Count;
                for (int j = 0; j < d; j++) _h[i * d + j] += x[i] * x[j] / data.Count;
            }
        }
    }

    public RegressionData Data => _data;
    public override string Name => $"least squares on {_data.Name}";
    public override int Dimension => _data.InputCount;
    public override int Count => _data.Count;
    public override bool IsQuadratic => true;

    public override double Value(ReadOnlySpan<double> w)
    {
        double s = 0;
        for (int n = 0; n < _data.Count; n++)
        {
            var x = _data.Input(n);
            double r = -_data.Targets[n];
            for (int k = 0; k < x.Length; k++) r += x[k] * w[k];
            s += r * r;
        }
        return 0.5 * s / _data.Count;
    }

    public override void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale)
    {
        var x = _data.Input(n);
        double r = -_data.Targets[n];
        for (int k = 0; k < x.Length; k++) r += x[k] * w[k];
        r *= scale;
        for (int k = 0; k < x.Length; k++) g[k] += r * x[k];
    }

    public override void Gradient(ReadOnlySpan<double> w, Span<double> g)
    {
        int d = Dimension;
        for (int i = 0; i < d; i++)
        {
            double s = -_c[i];
            for (int j = 0; j < d; j++) s += _h[i * d + j] * w[j];
            g[i] = s;
        }
    }

    public override void Hessian(ReadOnlySpan<double> w, Span<double> h) => _h.CopyTo(h);
}

/// <summary>Logistic regression V(w) = (1/N) Σ log(1 + exp(−y_n x_nᵀw)) + (λ/2)‖w‖² (the ridge is in every v_n, so it adds no noise).</summary>
public sealed class LogisticRegressionObjective : FiniteSumObjective
{
    private readonly ClassificationData _data;
    private readonly double _ridge;

    public LogisticRegressionObjective(ClassificationData data, double ridge = 0)
    {
        if (!(ridge >= 0)) throw new UserInputException($"--ridge must be ≥ 0, got {ridge}");
        _data = data;
        _ridge = ridge;
    }

    public ClassificationData Data => _data;
    public override string Name => $"logistic regression on {_data.Name}" + (_ridge > 0 ? $" (ridge {_ridge:G3})" : "");
    public override int Dimension => _data.Dimension;
    public override int Count => _data.Count;
    public override bool IsQuadratic => false;

    private double Margin(int n, ReadOnlySpan<double> w)
    {
        var x = _data.Row(n);
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += x[k] * w[k];
        return _data.Y[n] * s;
    }

    public override double Value(ReadOnlySpan<double> w)
    {
        double s = 0, ww = 0;
        for (int n = 0; n < _data.Count; n++) s += MarginLosses.Value(MarginLoss.Logistic, Margin(n, w));
        foreach (var v in w) ww += v * v;
        return s / _data.Count + 0.5 * _ridge * ww;
    }

    public override void AddSampleGradient(int n, ReadOnlySpan<double> w, Span<double> g, double scale)
    {
        var x = _data.Row(n);
        double c = -MarginLosses.NegDerivative(MarginLoss.Logistic, Margin(n, w)) * _data.Y[n] * scale;
        for (int k = 0; k < x.Length; k++) g[k] += c * x[k] + scale * _ridge * w[k];
    }

    /// <summary>The full gradient in one pass over the rows (the chains' hot loop: no per-sample call).</summary>
    public override void Gradient(ReadOnlySpan<double> w, Span<double> g)
    {
        int d = Dimension, count = _data.Count;
        var x = _data.X;
        var y = _data.Y;
        g.Clear();
        for (int n = 0; n < count; n++)
        {
            int o = n * d;
            double u = 0;
            for (int k = 0; k < d; k++) u += x[o + k] * w[k];
            u *= y[n];
            // −ℓ'(u) = 1/(1 + e^u), written to avoid overflow.
            double p = u > 0 ? Math.Exp(-u) / (1 + Math.Exp(-u)) : 1 / (1 + Math.Exp(u));
            double c = -p * y[n];
            for (int k = 0; k < d; k++) g[k] += c * x[o + k];
        }
        for (int k = 0; k < d; k++) g[k] = g[k] / count + _ridge * w[k];
    }

    public override void Hessian(ReadOnlySpan<double> w, Span<double> h)
    {
        int d = Dimension;
        h.Clear();
        for (int n = 0; n < _data.Count; n++)
        {
            double p = MarginLosses.NegDerivative(MarginLoss.Logistic, Margin(n, w));
            double c = p * (1 - p) / _data.Count;
            var x = _data.Row(n);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) h[i * d + j] += c * x[i] * x[j];
        }
        for (int i = 0; i < d; i++) h[i * d + i] += _ridge;
    }
}
