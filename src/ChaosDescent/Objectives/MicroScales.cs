using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ChaosDescent.Numerics;

namespace ChaosDescent.Objectives;

/// <summary>
/// f1,ε(x) = ε Σ_i a_i sin(ω_i x/ε + φ_i) in 1-D. One term is periodic (Example 1: ε sin(x/ε), −ε cos(x/ε) = ε sin(x/ε − π/2));
/// several terms with non-resonant ω are quasi-periodic (Example 2: ε sin(x/ε) + ε sin(√2 x/ε)).
/// Phases θ_i = ω_i x/ε + φ_i, each uniform on [0, 2π) and independent for non-resonant ω (Example 2).
/// </summary>
public sealed class SineSumMicroScale : MicroScale
{
    private readonly double[] _a, _w, _phi;
    private readonly string _formula;

    public SineSumMicroScale(string formula, double[] amplitudes, double[] frequencies, double[]? phases = null)
    {
        if (amplitudes.Length == 0 || amplitudes.Length != frequencies.Length) throw new ArgumentException("amplitudes/frequencies");
        _a = amplitudes.ToArray();
        _w = frequencies.ToArray();
        _phi = phases?.ToArray() ?? new double[_a.Length];
        _formula = formula;
    }

    public IReadOnlyList<double> Amplitudes => _a;
    public IReadOnlyList<double> Frequencies => _w;
    public IReadOnlyList<double> Offsets => _phi;

    public override int Dimension => 1;
    public override MicroScaleKind Kind => _a.Length == 1 ? MicroScaleKind.Periodic : MicroScaleKind.QuasiPeriodic;
    public override string Formula => _formula;
    public override int PhaseDimension => _a.Length;
    public override IReadOnlyList<double> PhasePeriods => Enumerable.Repeat(2 * Math.PI, _a.Length).ToArray();

    public double Value(double x, double eps)
    {
        double s = 0;
        for (int i = 0; i < _a.Length; i++) s += _a[i] * Math.Sin(_w[i] * x / eps + _phi[i]);
        return eps * s;
    }

    public double Derivative(double x, double eps)
    {
        double s = 0;
        for (int i = 0; i < _a.Length; i++) s += _a[i] * _w[i] * Math.Cos(_w[i] * x / eps + _phi[i]);
        return s;
    }

    public double SecondDerivative(double x, double eps)
    {
        double s = 0;
        for (int i = 0; i < _a.Length; i++) s -= _a[i] * _w[i] * _w[i] * Math.Sin(_w[i] * x / eps + _phi[i]);
        return s / eps;
    }

    public override double Value(ReadOnlySpan<double> x, double eps) => Value(x[0], eps);
    public override void Gradient(ReadOnlySpan<double> x, double eps, Span<double> gradient) => gradient[0] = Derivative(x[0], eps);
    public override void Hessian(ReadOnlySpan<double> x, double eps, Span<double> hessian) => hessian[0] = SecondDerivative(x[0], eps);

    /// <summary>g += Σ a_i ω_i cos(ω_i x/ε + φ_i), SIMD through <see cref="FastTrig"/>. The phase is formed as
    /// x·(ω_i/ε): one rounding of the product, the same order as the rounding of x itself at |x/ε| ~ 1e7.</summary>
    public override void AccumulateGradient(ReadOnlySpan<double> x, double eps, Span<double> gradient, int count)
    {
        for (int t = 0; t < _a.Length; t++)
        {
            double scale = _w[t] / eps, amp = _a[t] * _w[t], off = _phi[t];
            int i = 0;
            if (Vector512.IsHardwareAccelerated) AccumulateCosTerm<Width512, Vector512<double>>(x, gradient, count, scale, amp, off, ref i);
            else if (Vector256.IsHardwareAccelerated) AccumulateCosTerm<Width256, Vector256<double>>(x, gradient, count, scale, amp, off, ref i);
            for (; i < count; i++) gradient[i] += amp * Math.Cos(Math.FusedMultiplyAdd(x[i], scale, off));
        }
    }

    /// <summary>g[i] += amp·cos(x[i]·scale + off) over whole vectors from <paramref name="i"/> on, one generic body for
    /// every SIMD width (<see cref="ILaneWidth{TV}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateCosTerm<TWidth, TVector>(ReadOnlySpan<double> x, Span<double> gradient, int count,
        double scale, double amp, double off, ref int i)
        where TWidth : struct, ILaneWidth<TVector> where TVector : struct
    {
        var vs = TWidth.Create(scale);
        var va = TWidth.Create(amp);
        var vo = TWidth.Create(off);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double gr = ref MemoryMarshal.GetReference(gradient);
        for (; i <= count - TWidth.Count; i += TWidth.Count)
        {
            var q = TWidth.FusedMultiplyAdd(TWidth.Load(ref xr, (nuint)i), vs, vo);
            TWidth.Store(TWidth.FusedMultiplyAdd(va, TWidth.Cos(q), TWidth.Load(ref gr, (nuint)i)), ref gr, (nuint)i);
        }
    }

    /// <summary>ζ = −∇f1 at phases θ: −Σ a_i ω_i cos θ_i.</summary>
    public override void NoiseAtPhase(ReadOnlySpan<double> phase, Span<double> zeta)
    {
        double s = 0;
        for (int i = 0; i < _a.Length; i++) s -= _a[i] * _w[i] * Math.Cos(phase[i]);
        zeta[0] = s;
    }

    /// <summary>ε f1,ε'' at phases θ: −Σ a_i ω_i² sin θ_i.</summary>
    public override void ScaledHessianAtPhase(ReadOnlySpan<double> phase, Span<double> hessian)
    {
        double s = 0;
        for (int i = 0; i < _a.Length; i++) s -= _a[i] * _w[i] * _w[i] * Math.Sin(phase[i]);
        hessian[0] = s;
    }

    /// <summary>ζ = −Σ a_i ω_i cos θ_i with independent uniform θ_i: uniforms drawn in chunks of 256, then one SIMD
    /// cosine pass per term (<see cref="FastTrig"/>; |θ| ≤ 2π, so its error bound of 3e-16 applies).</summary>
    public override void SampleNoiseBlock(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta, int count)
    {
        const int chunk = 256;
        Span<double> phase = stackalloc double[chunk];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            var z = zeta.Slice(start, n);
            var p = phase[..n];
            z.Clear();
            for (int t = 0; t < _a.Length; t++)
            {
                for (int i = 0; i < n; i++) p[i] = rng.NextDouble();
                FastTrig.Cos(p, 2 * Math.PI, p);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p, -_a[t] * _w[t], z, z);
            }
        }
    }

    /// <summary>Independent phases: ζ ranges over [−Σ|a_i ω_i|, Σ|a_i ω_i|].</summary>
    public override (double Min, double Max)[]? ExactNoiseRange
    {
        get
        {
            double s = 0;
            for (int i = 0; i < _a.Length; i++) s += Math.Abs(_a[i] * _w[i]);
            return [(-s, s)];
        }
    }
}

/// <summary>
/// A d-dimensional separable micro-scale f1,ε(x) = Σ_k s_k(x_k), each s_k a 1-D <see cref="SineSumMicroScale"/>
/// (D.2: ε sin(x/ε) + ε cos(y/ε)). The fast phases of the coordinates are independent.
/// </summary>
public sealed class SeparableMicroScale : MicroScale
{
    private readonly SineSumMicroScale[] _parts;
    private readonly string _formula;

    public SeparableMicroScale(string formula, params SineSumMicroScale[] parts)
    {
        _parts = parts.ToArray();
        _formula = formula;
    }

    public IReadOnlyList<SineSumMicroScale> Parts => _parts;
    public override int Dimension => _parts.Length;

    public override MicroScaleKind Kind =>
        _parts.All(p => p.Kind == MicroScaleKind.Periodic) ? MicroScaleKind.Periodic : MicroScaleKind.QuasiPeriodic;

    public override string Formula => _formula;
    public override int PhaseDimension => _parts.Sum(p => p.PhaseDimension);
    public override IReadOnlyList<double> PhasePeriods => _parts.SelectMany(p => p.PhasePeriods).ToArray();

    public override double Value(ReadOnlySpan<double> x, double eps)
    {
        double s = 0;
        for (int k = 0; k < _parts.Length; k++) s += _parts[k].Value(x[k], eps);
        return s;
    }

    public override void Gradient(ReadOnlySpan<double> x, double eps, Span<double> gradient)
    {
        for (int k = 0; k < _parts.Length; k++) gradient[k] = _parts[k].Derivative(x[k], eps);
    }

    public override void Hessian(ReadOnlySpan<double> x, double eps, Span<double> hessian)
    {
        int d = _parts.Length;
        hessian[..(d * d)].Clear();
        for (int k = 0; k < d; k++) hessian[k * d + k] = _parts[k].SecondDerivative(x[k], eps);
    }

    public override void AccumulateGradient(ReadOnlySpan<double> x, double eps, Span<double> gradient, int count)
    {
        for (int k = 0; k < _parts.Length; k++)
            _parts[k].AccumulateGradient(x.Slice(k * count, count), eps, gradient.Slice(k * count, count), count);
    }

    public override void NoiseAtPhase(ReadOnlySpan<double> phase, Span<double> zeta)
    {
        int off = 0;
        for (int k = 0; k < _parts.Length; k++)
        {
            int p = _parts[k].PhaseDimension;
            _parts[k].NoiseAtPhase(phase.Slice(off, p), zeta.Slice(k, 1));
            off += p;
        }
    }

    public override void ScaledHessianAtPhase(ReadOnlySpan<double> phase, Span<double> hessian)
    {
        int d = _parts.Length, off = 0;
        hessian[..(d * d)].Clear();
        Span<double> h = stackalloc double[1];
        for (int k = 0; k < d; k++)
        {
            int p = _parts[k].PhaseDimension;
            _parts[k].ScaledHessianAtPhase(phase.Slice(off, p), h);
            hessian[k * d + k] = h[0];
            off += p;
        }
    }

    public override void SampleNoiseBlock(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta, int count)
    {
        for (int k = 0; k < _parts.Length; k++)
            _parts[k].SampleNoiseBlock(x.Slice(k * count, count), eps, ref rng, zeta.Slice(k * count, count), count);
    }

    public override (double Min, double Max)[]? ExactNoiseRange => _parts.Select(p => p.ExactNoiseRange![0]).ToArray();
}

/// <summary>
/// A micro-scale given only as a function of (x, ε), with no declared fast phase. Condition 1's ζ is then estimated
/// the way the condition defines it: ∇f1,ε sampled at a uniform point of a small box B(x, δ(ε)) with δ → 0 as ε → 0
/// but δ ≫ ε (here δ = √ε), so the box spans many micro-oscillations while f0 barely changes across it.
/// </summary>
public abstract class GeneralMicroScale : MicroScale
{
    public sealed override MicroScaleKind Kind => MicroScaleKind.General;
    public sealed override int PhaseDimension => 0;
    public sealed override IReadOnlyList<double> PhasePeriods => [];

    /// <summary>Half-width δ(ε) of the sampling box (Cond. 1).</summary>
    public virtual double BoxHalfWidth(double eps) => Math.Sqrt(eps);

    public sealed override void NoiseAtPhase(ReadOnlySpan<double> phase, Span<double> zeta) =>
        throw new UserInputException($"micro-scale '{Formula}' has no declared fast phase: ζ depends on x (Cond. 1 does not hold)");

    public sealed override void ScaledHessianAtPhase(ReadOnlySpan<double> phase, Span<double> hessian) =>
        throw new UserInputException($"micro-scale '{Formula}' has no declared fast phase: the constant m of Cond. 2 is not defined for it");

    public override void SampleNoise(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta)
    {
        int d = Dimension;
        double delta = BoxHalfWidth(eps);
        Span<double> y = stackalloc double[d];
        for (int k = 0; k < d; k++) y[k] = x[k] + rng.NextDouble(-delta, delta);
        Gradient(y, eps, zeta);
        for (int k = 0; k < d; k++) zeta[k] = -zeta[k];
    }
}

/// <summary>
/// Sec. 3.2's made-up micro-scale that violates Cond. 1 and 2: f1,ε(x) = ε cos(1 + cos(a x)/ε), a = √3/5.
/// f1,ε' = a sin(ax) sin(1 + cos(ax)/ε); f1,ε'' = a² cos(ax) sin(P) − (a²/ε) sin²(ax) cos(P), P = 1 + cos(ax)/ε.
/// </summary>
public sealed class NestedCosineMicroScale : GeneralMicroScale
{
    private readonly double _a;

    public NestedCosineMicroScale(double a) => _a = a;

    public override int Dimension => 1;
    public override string Formula => "eps*cos(1 + cos(sqrt(3)/5*x)/eps)";

    public override double Value(ReadOnlySpan<double> x, double eps) => eps * Math.Cos(1 + Math.Cos(_a * x[0]) / eps);

    public override void Gradient(ReadOnlySpan<double> x, double eps, Span<double> gradient)
    {
        double ax = _a * x[0];
        gradient[0] = _a * Math.Sin(ax) * Math.Sin(1 + Math.Cos(ax) / eps);
    }

    public override void Hessian(ReadOnlySpan<double> x, double eps, Span<double> hessian)
    {
        double ax = _a * x[0], s = Math.Sin(ax), p = 1 + Math.Cos(ax) / eps;
        hessian[0] = _a * _a * Math.Cos(ax) * Math.Sin(p) - _a * _a / eps * s * s * Math.Cos(p);
    }

    public override void AccumulateGradient(ReadOnlySpan<double> x, double eps, Span<double> gradient, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(_a);
            var vi = Vector512.Create(1 / eps);
            for (; i <= count - 8; i += 8)
            {
                var ax = Vector512.Create(x.Slice(i, 8)) * va;
                var p = Vector512.FusedMultiplyAdd(FastTrig.Cos(ax), vi, Vector512<double>.One);
                var g = gradient.Slice(i, 8);
                (Vector512.Create((ReadOnlySpan<double>)g) + va * FastTrig.Sin(ax) * FastTrig.Sin(p)).CopyTo(g);
            }
        }
        for (; i < count; i++)
        {
            double ax = _a * x[i];
            gradient[i] += _a * Math.Sin(ax) * Math.Sin(1 + Math.Cos(ax) / eps);
        }
    }
}
