using System.Buffers;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Expressions;

/// <summary>
/// The micro-scale f1,ε written as a formula F in fast phase variables (paper eq. 1, Examples 1 and 2):
/// <code>
/// f1,ε(x) = ε·F(θ1, …, θN),   θj = ωj·x/ε  (1-D, quasi-periodic, --omega ω1,…,ωN; F in u1 … uN)
/// f1,ε(x) = ε·F(x/ε)                       (periodic in d dimensions; F in u; u, v; u1 … ud)
/// </code>
/// F must be periodic with the declared period P (default 2π) in every argument; this is checked at random
/// phases when the micro-scale is built. Everything Conditions 1 and 2 need follows from F exactly as for catalog
/// objectives: the phase θ is uniform on [0, P)^N (independent phases for non-resonant ω, Example 2), ζ = −∇f1,ε at
/// a phase = −Σj ωj ∂jF(θ) (periodic: −∇F(θ)), and ε∇²f1,ε at a phase = Σj,l ωj ωl ∂j∂lF(θ) (periodic: ∇²F(θ)),
/// whose log-norm averages to m. Gradients: ∇f1,ε(x) = Σj ωj ∂jF(θ); Hessian: (1/ε)·Σj,l ωj ωl ∂j∂lF(θ).
/// All are symbolic derivatives compiled to SIMD kernels, with ωj/ε passed in as parameters, so the same
/// micro-scale serves every ε (<see cref="MultiscaleObjective.WithEpsilon"/>).
/// </summary>
public sealed class ExpressionMicroScale : MicroScale
{
    private readonly int _d;           // dimension of x
    private readonly int _n;           // number of phases
    private readonly double[] _omega;  // 1-D quasi-periodic frequencies (null form: identity, periodic)
    private readonly bool _quasi;
    private readonly double _period;
    private readonly string _formula;
    private readonly CompiledExpressions _value;     // inputs x (d), parameters s_1..s_N (= ω_j/ε), ε
    private readonly CompiledExpressions _gradient;  // same inputs/parameters
    private readonly CompiledExpressions _hessian;   // same, times 1/ε (parameter N+1)
    private readonly CompiledExpressions _noise;     // inputs θ (N)
    private readonly CompiledExpressions _scaledHessian; // inputs θ (N)
    private readonly VariableSet _xNames;

    /// <param name="profile">F over the phase variables <paramref name="phases"/>.</param>
    /// <param name="phases">Names of the phase variables (index order).</param>
    /// <param name="dimension">d, the dimension of x.</param>
    /// <param name="omega">Frequencies for the 1-D quasi-periodic form, or null for the periodic form (N = d).</param>
    /// <param name="period">P: F is P-periodic in each argument.</param>
    /// <param name="xNames">Names of the coordinates of x (for formulas and messages).</param>
    public ExpressionMicroScale(Expr profile, VariableSet phases, int dimension, IReadOnlyList<double>? omega, double period, VariableSet xNames)
    {
        if (!(period > 0) || !double.IsFinite(period)) throw new UserInputException($"--period must be a positive number (got {period})");
        _d = dimension;
        _quasi = omega is not null;
        _omega = omega?.ToArray() ?? [];
        _n = _quasi ? _omega.Length : dimension;
        if (phases.Count != _n) throw new ArgumentException("phase variables do not match the number of phases", nameof(phases));
        if (_quasi && dimension != 1)
            throw new UserInputException($"--omega (quasi-periodic micro-scale) needs a 1-D f0; this f0 has d = {dimension} (use the periodic form, f1 in {string.Join(", ", FastNames(dimension).Names)})");
        _period = period;
        Profile = profile;
        Phases = phases;
        _xNames = xNames;

        // Condition-1/2 data over the phases: ζ(θ) = −Σ_j ω_j ∂_jF(θ); εH(θ) = Σ ω_j ω_l ∂_j∂_lF(θ) (periodic: ω = I).
        var dF = Differentiator.Gradient(profile, _n);
        var d2F = Differentiator.Hessian(dF, _n);
        var zeta = new Expr[_d];
        var scaled = new Expr[_d * _d];
        if (_quasi)
        {
            Expr z = Expr.Zero, h = Expr.Zero;
            for (int j = 0; j < _n; j++)
            {
                z = Simplifier.Add(z, Simplifier.Multiply(Expr.Constant(_omega[j]), dF[j]));
                for (int l = 0; l < _n; l++)
                    h = Simplifier.Add(h, Simplifier.Multiply(Expr.Constant(_omega[j] * _omega[l]), d2F[j * _n + l]));
            }
            zeta[0] = Simplifier.Negate(z);
            scaled[0] = h;
        }
        else
        {
            for (int k = 0; k < _d; k++) zeta[k] = Simplifier.Negate(dF[k]);
            for (int k = 0; k < _d * _d; k++) scaled[k] = d2F[k];
        }
        NoiseExpressions = zeta;
        ScaledHessianExpressions = scaled;
        _noise = new CompiledExpressions(zeta, _n);
        _scaledHessian = new CompiledExpressions(scaled, _n);

        // In x: substitute θ_j = s_j·x (s_j = ω_j/ε, parameter j; periodic: θ_k = s·x_k with s = 1/ε).
        // Parameter layout after the d inputs: s_1 … s_N (periodic: s repeated per coordinate), ε, 1/ε.
        Expr Phase(VariableExpr v) =>
            Simplifier.Multiply(Expr.Variable(_d + v.Index, $"s{v.Index + 1}"), Expr.Variable(_quasi ? 0 : v.Index, xNames.Names[_quasi ? 0 : v.Index]));
        var epsVar = Expr.Variable(_d + _n, "eps");
        var invEpsVar = Expr.Variable(_d + _n + 1, "inv_eps");
        var valueX = Simplifier.Multiply(epsVar, profile.Substitute(Phase));
        var gradX = new Expr[_d];
        var hessX = new Expr[_d * _d];
        if (_quasi)
        {
            Expr g = Expr.Zero, h = Expr.Zero;
            for (int j = 0; j < _n; j++)
            {
                g = Simplifier.Add(g, Simplifier.Multiply(Expr.Constant(_omega[j]), dF[j].Substitute(Phase)));
                for (int l = 0; l < _n; l++)
                    h = Simplifier.Add(h, Simplifier.Multiply(Expr.Constant(_omega[j] * _omega[l]), d2F[j * _n + l].Substitute(Phase)));
            }
            gradX[0] = g;
            hessX[0] = Simplifier.Multiply(invEpsVar, h);
        }
        else
        {
            for (int k = 0; k < _d; k++) gradX[k] = dF[k].Substitute(Phase);
            for (int k = 0; k < _d * _d; k++) hessX[k] = Simplifier.Multiply(invEpsVar, d2F[k].Substitute(Phase));
        }
        int parameters = _n + 2;
        _value = new CompiledExpressions([valueX], _d, parameters);
        _gradient = new CompiledExpressions(gradX, _d, parameters);
        _hessian = new CompiledExpressions(hessX, _d, parameters);
        _formula = BuildFormula();
        CheckPeriodic();
        CheckNonResonant();
    }

    /// <summary>F, the profile in the phase variables.</summary>
    public Expr Profile { get; }

    /// <summary>The phase variables F is written in.</summary>
    public VariableSet Phases { get; }

    /// <summary>Frequencies ω (empty for the periodic form).</summary>
    public IReadOnlyList<double> Frequencies => _omega;

    /// <summary>P.</summary>
    public double Period => _period;

    /// <summary>ζ(θ) = −∇f1,ε at phase θ, symbolic.</summary>
    public IReadOnlyList<Expr> NoiseExpressions { get; }

    /// <summary>ε∇²f1,ε at phase θ, symbolic (row-major d×d).</summary>
    public IReadOnlyList<Expr> ScaledHessianExpressions { get; }

    /// <summary>The fast-variable names for the periodic form in d dimensions: u; u, v; u1 … ud.</summary>
    public static VariableSet FastNames(int dimension) => VariableSet.Indexed("u", dimension, secondName: "v");

    public override int Dimension => _d;
    public override MicroScaleKind Kind => _n > 1 && _quasi ? MicroScaleKind.QuasiPeriodic : MicroScaleKind.Periodic;
    public override string Formula => _formula;
    public override int PhaseDimension => _n;
    public override IReadOnlyList<double> PhasePeriods => Enumerable.Repeat(_period, _n).ToArray();

    private void Parameters(double eps, Span<double> p)
    {
        if (!(eps > 0) || !double.IsFinite(eps)) throw new UserInputException($"ε must be a positive finite number (got {eps})");
        for (int j = 0; j < _n; j++) p[j] = (_quasi ? _omega[j] : 1.0) / eps;
        p[_n] = eps;
        p[_n + 1] = 1.0 / eps;
    }

    public override double Value(ReadOnlySpan<double> x, double eps)
    {
        Span<double> p = stackalloc double[_n + 2];
        Parameters(eps, p);
        Span<double> y = stackalloc double[1];
        if (!_value.EvaluatePoint(x, p, y)) Diagnose(_value, x, p, "f1");
        return y[0];
    }

    public override void Gradient(ReadOnlySpan<double> x, double eps, Span<double> gradient)
    {
        Span<double> p = stackalloc double[_n + 2];
        Parameters(eps, p);
        if (!_gradient.EvaluatePoint(x, p, gradient)) Diagnose(_gradient, x, p, "the gradient of f1");
    }

    public override void Hessian(ReadOnlySpan<double> x, double eps, Span<double> hessian)
    {
        Span<double> p = stackalloc double[_n + 2];
        Parameters(eps, p);
        if (!_hessian.EvaluatePoint(x, p, hessian)) Diagnose(_hessian, x, p, "the Hessian of f1");
    }

    public override void AccumulateGradient(ReadOnlySpan<double> x, double eps, Span<double> gradient, int count)
    {
        Span<double> p = stackalloc double[_n + 2];
        Parameters(eps, p);
        if (!_gradient.EvaluateBlock(x, p, gradient, count, accumulate: true))
            _gradient.ThrowIfDomainErrorInBlock(x, p, gradient, count, _xNames.Names, "the gradient of f1");
    }

    public override void NoiseAtPhase(ReadOnlySpan<double> phase, Span<double> zeta)
    {
        if (!_noise.EvaluatePoint(phase, [], zeta)) DiagnosePhase(_noise, phase, "ζ = −∇f1");
    }

    public override void ScaledHessianAtPhase(ReadOnlySpan<double> phase, Span<double> hessian)
    {
        if (!_scaledHessian.EvaluatePoint(phase, [], hessian)) DiagnosePhase(_scaledHessian, phase, "the Hessian of f1");
    }

    /// <summary>
    /// ζ for a block: uniform phases in the order the catalog draws them, then one SIMD pass. A quasi-periodic
    /// micro-scale (several phases of one coordinate, like the catalog's sine sums) draws in chunks of
    /// <see cref="SineSumChunk"/> particles, phase by phase within a chunk; a periodic one (one phase per coordinate,
    /// like the catalog's per-coordinate products) draws phase by phase over the whole block. So
    /// <c>--f1 "sin(u1) + sin(u2)" --omega 1,√2</c> reproduces quartic-quasiperiodic's stochastic map, and
    /// <c>--f1 "sin(u) + cos(v)"</c> matyas-sincos's, draw for draw at any block size.
    /// </summary>
    /// <summary>Particles per chunk of the catalog's sine-sum sampler (<c>SineSumMicroScale.SampleNoiseBlock</c>).</summary>
    internal const int SineSumChunk = 256;

    public override void SampleNoiseBlock(ReadOnlySpan<double> x, double eps, ref Xoshiro256 rng, Span<double> zeta, int count)
    {
        // Pooled, not allocated: this runs once per block and step of the stochastic map.
        var rented = ArrayPool<double>.Shared.Rent(_n * count);
        try
        {
            var phases = rented.AsSpan(0, _n * count);
            int chunk = _quasi ? SineSumChunk : Math.Max(count, 1);
            for (int start = 0; start < count; start += chunk)
            {
                int m = Math.Min(chunk, count - start);
                for (int j = 0; j < _n; j++)
                    for (int i = start; i < start + m; i++) phases[j * count + i] = rng.NextDouble() * _period;
            }
            if (!_noise.EvaluateBlock(phases, [], zeta, count, accumulate: false))
                _noise.ThrowIfDomainErrorInBlock(phases, [], zeta, count, Phases.Names, "ζ = −∇f1");
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private void Diagnose(CompiledExpressions compiled, ReadOnlySpan<double> x, ReadOnlySpan<double> p, string label)
    {
        foreach (var v in x[.._d])
            if (!double.IsFinite(v)) return;
        compiled.ThrowIfDomainError(x, p, _xNames.Names, label);
    }

    private void DiagnosePhase(CompiledExpressions compiled, ReadOnlySpan<double> phase, string label)
    {
        foreach (var v in phase[.._n])
            if (!double.IsFinite(v)) return;
        compiled.ThrowIfDomainError(phase, [], Phases.Names, label);
    }

    /// <summary>"eps*F(ω x/eps)" written out, e.g. <c>eps*sin(x/eps)</c>.</summary>
    private string BuildFormula()
    {
        var eps = Expr.Variable(_d, "eps");
        var e = Profile.Substitute(v =>
        {
            var x = Expr.Variable(_quasi ? 0 : v.Index, _xNames.Names[_quasi ? 0 : v.Index]);
            var w = _quasi ? _omega[v.Index] : 1.0;
            return Expr.Divide(Simplifier.Multiply(Expr.Constant(w), x), eps);
        });
        return ExpressionPrinter.Print(Simplifier.Multiply(eps, e));
    }

    /// <summary>F(θ + P e_j) = F(θ) at 16 phases per argument, relative tolerance 1e-9.</summary>
    private void CheckPeriodic()
    {
        var rng = Xoshiro256.ForStream(20_200_601, 0);
        var theta = new double[_n];
        var shifted = new double[_n];
        for (int trial = 0; trial < 16; trial++)
        {
            for (int j = 0; j < _n; j++) theta[j] = (rng.NextDouble() * 2 - 1) * 10;
            double f = Evaluator.Evaluate(Profile, theta);
            if (!double.IsFinite(f)) continue;
            for (int j = 0; j < _n; j++)
            {
                theta.CopyTo(shifted, 0);
                shifted[j] += _period;
                double g = Evaluator.Evaluate(Profile, shifted);
                if (!(Math.Abs(g - f) <= 1e-9 * (1 + Math.Abs(f))))
                {
                    string P = ExpressionPrinter.Number(_period);
                    throw new UserInputException(
                        $"f1 = {ExpressionPrinter.Print(Profile)} is not periodic with period {P} in {Phases.Names[j]}: " +
                        $"f1 = {f:G10} at {Evaluator.FormatPoint(theta, Phases.Names)} but {g:G10} after adding {P} to {Phases.Names[j]}; " +
                        "declare the period with --period P (the same for every phase variable), or give f as --f without a micro-scale");
                }
            }
        }
    }

    /// <summary>
    /// Example 2 needs non-resonant frequencies (independent phases). A ratio ωi/ωj within 1e-9 of p/q with q ≤ 64
    /// is resonant: the phases then lie on a lower-dimensional torus and the independent-phase law of ζ is wrong.
    /// </summary>
    private void CheckNonResonant()
    {
        if (!_quasi) return;
        for (int i = 0; i < _n; i++)
        {
            if (!(double.IsFinite(_omega[i]) && _omega[i] != 0))
                throw new UserInputException($"--omega: frequencies must be finite and nonzero (got {_omega[i]})");
            for (int j = 0; j < i; j++)
            {
                double r = _omega[i] / _omega[j];
                for (int q = 1; q <= 64; q++)
                {
                    double p = Math.Round(r * q);
                    if (Math.Abs(r * q - p) <= 1e-9 * q * Math.Max(1, Math.Abs(r)))
                        throw new UserInputException(
                            $"--omega: frequencies {_omega[j]:R} and {_omega[i]:R} are resonant (ratio {p}/{q}): their phases are not independent, " +
                            "so Example 2's law of ζ does not apply; use non-resonant frequencies (e.g. 1 and sqrt(2)) or write f1 as periodic in one phase");
                }
            }
        }
    }
}
