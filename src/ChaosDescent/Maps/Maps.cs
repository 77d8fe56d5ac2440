using System.Numerics.Tensors;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>Gradient descent φ(x) = x − η∇f(x) = x − η∇f0(x) − η∇f1,ε(x) (Sec. 1.1).</summary>
public sealed class GradientDescentMap(IScalarField objective, double learningRate) : OptimizerMap(objective, learningRate)
{
    private readonly MultiscaleObjective? _fused = objective as MultiscaleObjective;

    public override string Name => "gd";
    public override int ScratchLength(int count) => Dimension * count;

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var x = state[..n];
        if (_fused is not null && _fused.TryGradientStep(x, count, LearningRate)) return; // one fused pass, same arithmetic
        var g = scratch[..n];
        g.Clear();
        Objective.AccumulateGradient(x, g, count);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, x, x);
    }


    /// <summary>Dφ·u = u − η∇²f·u (the Jacobian I − η∇²f(x), symmetric).</summary>
    protected override void CompleteTangent(ReadOnlySpan<double> tangent, Span<double> image) =>
        TensorPrimitives.MultiplyAdd(image[..Dimension], -LearningRate, tangent[..Dimension], image[..Dimension]);

    public override OptimizerMap WithLearningRate(double learningRate) => new GradientDescentMap(Objective, learningRate);
    public override OptimizerMap WithObjective(IScalarField objective) => new GradientDescentMap(objective, LearningRate);
}

/// <summary>
/// The truly stochastic map φ̂(x) = x − η∇f0(x) + ηζ with ζ i.i.d. as Condition 1 defines it (Sec. 1.1, Thm. 4):
/// periodic: ζ = −∇f1 at a uniform phase; quasi-periodic: independent uniform phases; general: ∇f1,ε sampled over a
/// small box around x.
/// </summary>
public sealed class StochasticMap : OptimizerMap
{
    private readonly MultiscaleObjective _objective;

    public StochasticMap(IScalarField objective, double learningRate) : base(objective, learningRate)
    {
        _objective = objective as MultiscaleObjective
            ?? throw new UserInputException("the stochastic map needs an objective of the form f = f0 + f1,eps (its noise is the ζ of Cond. 1)");
        if (_objective.Micro is null)
            throw new UserInputException($"objective '{_objective.Name}' has no micro-scale: the stochastic map needs the ζ of Cond. 1");
    }

    public override string Name => "stochastic";
    public override bool IsStochastic => true;

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var x = state[..n];
        var g = scratch[..n];
        var z = scratch.Slice(n, n);
        g.Clear();
        _objective.Macro.AccumulateGradient(x, g, count);
        _objective.Micro!.SampleNoiseBlock(x, _objective.Epsilon, ref rng, z, count);
        TensorPrimitives.Subtract(z, g, g);                      // ζ − ∇f0
        TensorPrimitives.MultiplyAdd(g, LearningRate, x, x);     // x + η(ζ − ∇f0)
    }

    /// <summary>Direction ∇f0(x) − ζ (so that x − η·direction is the step above, to the bit).</summary>
    public override double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue)
    {
        int d = Dimension;
        var x = state[..d];
        Span<double> z = stackalloc double[d];
        direction.Clear();
        _objective.Macro.AccumulateGradient(x, direction, 1);
        _objective.Micro!.SampleNoiseBlock(x, _objective.Epsilon, ref rng, z, 1);
        TensorPrimitives.Subtract(direction[..d], z, direction[..d]);
        return double.NaN;
    }


    public override OptimizerMap WithLearningRate(double learningRate) => new StochasticMap(Objective, learningRate);
    public override OptimizerMap WithObjective(IScalarField objective) => new StochasticMap(objective, LearningRate);
}

/// <summary>
/// The Gaussian map of Remark 16: φ̃(x) = x − η∇f0(x) + ηξ, ξ ~ N(0, Cov ζ) (σξ with ξ standard normal when ζ is
/// isotropic): unbounded noise, the Euler–Maruyama discretization of an SDE with the same rescaled Gibbs limit.
/// </summary>
public sealed class GaussianMap : OptimizerMap
{
    private readonly double[] _chol; // lower-triangular Cholesky factor of Cov ζ, row-major
    private readonly MultiscaleObjective _objective;

    public GaussianMap(IScalarField objective, double learningRate) : base(objective, learningRate)
    {
        _objective = objective as MultiscaleObjective
            ?? throw new UserInputException("the Gaussian map needs an objective of the form f = f0 + f1,eps (its noise has the covariance of the ζ of Cond. 1)");
        var stats = _objective.Micro?.NoiseStatistics
            ?? throw new UserInputException($"objective '{_objective.Name}': the Gaussian map needs a position-independent ζ covariance (periodic or quasi-periodic micro-scale)");
        int d = Dimension;
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d, (i, j) => stats.Covariance[i * d + j]);
        var l = m.Cholesky().Factor;
        _chol = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) _chol[i * d + j] = l[i, j];
    }

    public override string Name => "gaussian";
    public override bool IsStochastic => true;

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int d = Dimension, n = d * count;
        var x = state[..n];
        var g = scratch[..n];
        g.Clear();
        _objective.Macro.AccumulateGradient(x, g, count);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, x, x);
        Span<double> noise = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            DrawNoise(ref rng, noise);
            for (int k = 0; k < d; k++) x[k * count + i] += LearningRate * noise[k];
        }
    }

    /// <summary>ξ = Lz with z standard normal (d draws, in coordinate order) and L the Cholesky factor of Cov ζ.</summary>
    private void DrawNoise(ref Xoshiro256 rng, Span<double> noise)
    {
        int d = Dimension;
        for (int k = 0; k < d; k++) noise[k] = rng.NextGaussian();
        // Lower-triangular product in place from the last row up: row k reads z_0 … z_k only.
        for (int k = d - 1; k >= 0; k--)
        {
            double s = 0;
            for (int j = 0; j <= k; j++) s += _chol[k * d + j] * noise[j];
            noise[k] = s;
        }
    }

    /// <summary>Direction ∇f0(x) − Lξ (x − η·direction equals the step above up to the rounding of one addition).</summary>
    public override double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue)
    {
        int d = Dimension;
        direction.Clear();
        _objective.Macro.AccumulateGradient(state[..d], direction, 1);
        Span<double> noise = stackalloc double[d];
        DrawNoise(ref rng, noise);
        for (int k = 0; k < d; k++) direction[k] -= noise[k];
        return double.NaN;
    }


    public override OptimizerMap WithLearningRate(double learningRate) => new GaussianMap(Objective, learningRate);
    public override OptimizerMap WithObjective(IScalarField objective) => new GaussianMap(objective, LearningRate);
}

/// <summary>
/// A first-order method with one extra state block (velocity or the previous extrapolation point): the step is
/// the gradient at x followed by <see cref="Update"/>, the same arithmetic for an ensemble and for one orbit, and the
/// tangent map is written on the two blocks (δx, δs) given ∇²f·δx.
/// </summary>
public abstract class TwoBlockMap(IScalarField objective, double learningRate) : OptimizerMap(objective, learningRate)
{
    public sealed override int StateBlocks => 2;

    public sealed override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var g = scratch[..n];
        g.Clear();
        Objective.AccumulateGradient(state[..n], g, count);
        Update(state[..n], state.Slice(n, n), g, UpdateScratch(scratch, n));
    }

    public sealed override void Advance(Span<double> state, Span<double> direction)
    {
        int d = Dimension;
        Update(state[..d], state.Slice(d, d), direction[..d], direction[..d]);
    }

    /// <summary>Where <see cref="Update"/> may write an intermediate of length n: the gradient's own buffer, or more
    /// scratch where the gradient is needed after the intermediate is formed.</summary>
    protected abstract Span<double> UpdateScratch(Span<double> scratch, int n);

    /// <summary>(x, s) ← the method's update from the gradient g at x; <paramref name="work"/> may be g itself.</summary>
    protected abstract void Update(Span<double> x, Span<double> second, ReadOnlySpan<double> gradient, Span<double> work);

    protected sealed override void CompleteTangent(ReadOnlySpan<double> tangent, Span<double> image)
    {
        int d = Dimension;
        CompleteTangent(tangent[..d], tangent.Slice(d, d), image[..d], image.Slice(d, d));
    }

    /// <summary>The tangent image of (δx, δs); <paramref name="imageSecond"/> holds ∇²f·δx on entry.</summary>
    protected abstract void CompleteTangent(ReadOnlySpan<double> dx, ReadOnlySpan<double> dSecond, Span<double> imageX, Span<double> imageSecond);
}

/// <summary>
/// Heavy ball (Polyak 1964; D.4.1): v_{n+1} = γ v_n − η∇f(x_n), x_{n+1} = x_n + v_{n+1}, v_0 = 0 — the one
/// implementation, for multiscale objectives (Figs. 18–19) and network training alike.
/// </summary>
public sealed class HeavyBallMap : TwoBlockMap
{
    public HeavyBallMap(IScalarField objective, double learningRate, double momentum) : base(objective, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new UserInputException($"momentum γ must be in [0, 1) (got {momentum})");
        Momentum = momentum;
    }

    /// <summary>γ.</summary>
    public double Momentum { get; }

    public override string Name => "heavyball";
    public override int ScratchLength(int count) => Dimension * count;

    public override void Initialize(Span<double> state, int count) => state.Slice(Dimension * count, Dimension * count).Clear();

    protected override Span<double> UpdateScratch(Span<double> scratch, int n) => scratch[..n];

    protected override void Update(Span<double> x, Span<double> v, ReadOnlySpan<double> gradient, Span<double> work)
    {
        TensorPrimitives.Multiply(v, Momentum, v);
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, v, v);
        TensorPrimitives.Add(x, v, x);
    }

    /// <summary>On (δx, δv): δv′ = γδv − η∇²f·δx, δx′ = δx + δv′, i.e. J = [[I − ηH, γI], [−ηH, γI]].</summary>
    protected override void CompleteTangent(ReadOnlySpan<double> dx, ReadOnlySpan<double> dv, Span<double> ix, Span<double> iv)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            iv[i] = Momentum * dv[i] - LearningRate * iv[i];
            ix[i] = dx[i] + iv[i];
        }
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new HeavyBallMap(Objective, learningRate, Momentum);
    public override OptimizerMap WithObjective(IScalarField objective) => new HeavyBallMap(objective, LearningRate, Momentum);
}

/// <summary>
/// NAG-SC (Nesterov 2013; D.4.2): y_{k+1} = x_k − η∇f(x_k), x_{k+1} = y_{k+1} + c(y_{k+1} − y_k), y_0 = x_0,
/// c = (1 − √(μη))/(1 + √(μη)) with μ the strong-convexity constant of f0.
/// </summary>
public sealed class NesterovMap : TwoBlockMap
{
    public NesterovMap(IScalarField objective, double learningRate, double strongConvexity) : base(objective, learningRate)
    {
        if (!(strongConvexity > 0) || !double.IsFinite(strongConvexity))
            throw new UserInputException($"NAG-SC needs a positive strong-convexity constant μ (got {strongConvexity}); pass --mu");
        StrongConvexity = strongConvexity;
        double r = Math.Sqrt(strongConvexity * learningRate);
        Coefficient = (1 - r) / (1 + r);
    }

    /// <summary>μ.</summary>
    public double StrongConvexity { get; }

    /// <summary>c.</summary>
    public double Coefficient { get; }

    public override string Name => "nag";

    public override void Initialize(Span<double> state, int count)
    {
        int n = Dimension * count;
        state[..n].CopyTo(state.Slice(n, n));
    }

    protected override Span<double> UpdateScratch(Span<double> scratch, int n) => scratch.Slice(n, n);

    protected override void Update(Span<double> x, Span<double> y, ReadOnlySpan<double> gradient, Span<double> yNew)
    {
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, x, yNew); // y' = x − η∇f(x)
        TensorPrimitives.Subtract(yNew, y, x);                           // x ← y' − y
        TensorPrimitives.MultiplyAdd(x, Coefficient, yNew, x);           // x ← y' + c(y' − y)
        yNew.CopyTo(y);
    }

    /// <summary>On (δx, δy): δy′ = δx − η∇²f·δx, δx′ = (1 + c)δy′ − cδy, i.e. dx'/dx = (1+c)(I − ηH), dx'/dy = −cI,
    /// dy'/dx = I − ηH, dy'/dy = 0.</summary>
    protected override void CompleteTangent(ReadOnlySpan<double> dx, ReadOnlySpan<double> dy, Span<double> ix, Span<double> iy)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            iy[i] = dx[i] - LearningRate * iy[i];
            ix[i] = (1 + Coefficient) * iy[i] - Coefficient * dy[i];
        }
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new NesterovMap(Objective, learningRate, StrongConvexity);
    public override OptimizerMap WithObjective(IScalarField objective) => new NesterovMap(objective, LearningRate, StrongConvexity);
}

/// <summary>Options of <see cref="MapFactory.Create"/>.</summary>
public sealed record MapOptions
{
    /// <summary>Heavy-ball γ (D.4.1 uses 0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>NAG-SC μ; null means f0's strong-convexity constant.</summary>
    public double? StrongConvexity { get; init; }
}

/// <summary>Builds maps by their CLI names.</summary>
public static class MapFactory
{
    public static IReadOnlyList<string> Names { get; } = ["gd", "stochastic", "gaussian", "heavyball", "nag"];

    /// <summary>The map <paramref name="name"/> on any objective; stochastic and gaussian need f = f0 + f1,ε (their noise
    /// is Cond. 1's ζ), NAG-SC takes μ from f0 when the objective is multiscale and from <see cref="MapOptions"/> otherwise.</summary>
    public static OptimizerMap Create(string name, IScalarField objective, double learningRate, MapOptions? options = null)
    {
        options ??= new MapOptions();
        return name.ToLowerInvariant() switch
        {
            "gd" => new GradientDescentMap(objective, learningRate),
            "stochastic" => new StochasticMap(objective, learningRate),
            "gaussian" => new GaussianMap(objective, learningRate),
            "heavyball" => new HeavyBallMap(objective, learningRate, options.Momentum),
            "nag" => new NesterovMap(objective, learningRate, options.StrongConvexity ?? StrongConvexityOf(objective)),
            _ => throw new UserInputException($"unknown map '{name}'; known: {string.Join(", ", Names)}"),
        };
    }

    private static double StrongConvexityOf(IScalarField objective) => objective switch
    {
        MultiscaleObjective m => m.Macro.StrongConvexity
            ?? throw new UserInputException($"f0 of '{m.Name}' is not strongly convex: give NAG-SC's μ with --mu"),
        _ => throw new UserInputException("NAG-SC needs the strong-convexity constant μ of the objective: give it with --mu"),
    };
}
