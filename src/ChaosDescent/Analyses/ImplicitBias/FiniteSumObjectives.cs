using ChaosDescent.Objectives;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Data;

namespace ChaosDescent.Analyses.ImplicitBias;

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
