using MathNet.Numerics.LinearAlgebra;

namespace ChaosDescent.Objectives;

/// <summary>
/// A finite-sum objective V(w) = (1/N) Σ_n v_n(w) (an empirical risk), with per-sample gradients for SGD (the
/// minibatch map <see cref="Maps.MinibatchSgdMap"/>) and the full Hessian for the stationary-law predictions.
/// Matrices are row-major d×d. It is an <see cref="IScalarField"/>, so every deterministic map runs on it too.
/// </summary>
public abstract class FiniteSumObjective : IScalarField
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

    /// <summary>Block kernel (point-wise; finite sums are iterated one chain at a time).</summary>
    public void AccumulateGradient(ReadOnlySpan<double> x, Span<double> gradient, int count) =>
        this.AccumulateGradientPointwise(x, gradient, count);

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

