using System.Numerics.Tensors;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>Gradient descent φ(x) = x − η∇f(x) = x − η∇f0(x) − η∇f1,ε(x) (Sec. 1.1).</summary>
public sealed class GradientDescentMap(MultiscaleObjective objective, double learningRate) : OptimizerMap(objective, learningRate)
{
    public override string Name => "gd";
    public override int ScratchLength(int count) => Dimension * count;

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var x = state[..n];
        if (Objective.TryGradientStep(x, count, LearningRate)) return; // one fused pass, same arithmetic
        var g = scratch[..n];
        g.Clear();
        Objective.AccumulateGradient(x, g, count);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, x, x);
    }

    public override void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) =>
        WriteGradientStepJacobian(state[..Dimension], jacobian, Dimension, 0, 0, 1);

    public override OptimizerMap WithLearningRate(double learningRate) => new GradientDescentMap(Objective, learningRate);
    public override OptimizerMap WithObjective(MultiscaleObjective objective) => new GradientDescentMap(objective, LearningRate);
}

/// <summary>
/// The truly stochastic map φ̂(x) = x − η∇f0(x) + ηζ with ζ i.i.d. as Condition 1 defines it (Sec. 1.1, Thm. 4):
/// periodic: ζ = −∇f1 at a uniform phase; quasi-periodic: independent uniform phases; general: ∇f1,ε sampled over a
/// small box around x.
/// </summary>
public sealed class StochasticMap : OptimizerMap
{
    public StochasticMap(MultiscaleObjective objective, double learningRate) : base(objective, learningRate)
    {
        if (objective.Micro is null)
            throw new UserInputException($"objective '{objective.Name}' has no micro-scale: the stochastic map needs the ζ of Cond. 1");
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
        Objective.Macro.AccumulateGradient(x, g, count);
        Objective.Micro!.SampleNoiseBlock(x, Objective.Epsilon, ref rng, z, count);
        TensorPrimitives.Subtract(z, g, g);                      // ζ − ∇f0
        TensorPrimitives.MultiplyAdd(g, LearningRate, x, x);     // x + η(ζ − ∇f0)
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new StochasticMap(Objective, learningRate);
    public override OptimizerMap WithObjective(MultiscaleObjective objective) => new StochasticMap(objective, LearningRate);
}

/// <summary>
/// The Gaussian map of Remark 16: φ̃(x) = x − η∇f0(x) + ηξ, ξ ~ N(0, Cov ζ) (σξ with ξ standard normal when ζ is
/// isotropic): unbounded noise, the Euler–Maruyama discretization of an SDE with the same rescaled Gibbs limit.
/// </summary>
public sealed class GaussianMap : OptimizerMap
{
    private readonly double[] _chol; // lower-triangular Cholesky factor of Cov ζ, row-major

    public GaussianMap(MultiscaleObjective objective, double learningRate) : base(objective, learningRate)
    {
        var stats = objective.Micro?.NoiseStatistics
            ?? throw new UserInputException($"objective '{objective.Name}': the Gaussian map needs a position-independent ζ covariance (periodic or quasi-periodic micro-scale)");
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
        Objective.Macro.AccumulateGradient(x, g, count);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, x, x);
        Span<double> xi = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < d; k++) xi[k] = rng.NextGaussian();
            for (int k = 0; k < d; k++)
            {
                double s = 0;
                for (int j = 0; j <= k; j++) s += _chol[k * d + j] * xi[j];
                x[k * count + i] += LearningRate * s;
            }
        }
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new GaussianMap(Objective, learningRate);
    public override OptimizerMap WithObjective(MultiscaleObjective objective) => new GaussianMap(objective, LearningRate);
}

/// <summary>Heavy ball (Polyak 1964; D.4.1): v_{n+1} = γ v_n − η∇f(x_n), x_{n+1} = x_n + v_{n+1}, v_0 = 0.</summary>
public sealed class HeavyBallMap : OptimizerMap
{
    public HeavyBallMap(MultiscaleObjective objective, double learningRate, double momentum) : base(objective, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new UserInputException($"momentum γ must be in [0, 1) (got {momentum})");
        Momentum = momentum;
    }

    /// <summary>γ.</summary>
    public double Momentum { get; }

    public override string Name => "heavyball";
    public override int StateBlocks => 2;
    public override int ScratchLength(int count) => Dimension * count;

    public override void Initialize(Span<double> state, int count) => state.Slice(Dimension * count, Dimension * count).Clear();

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var x = state[..n];
        var v = state.Slice(n, n);
        var g = scratch[..n];
        g.Clear();
        Objective.AccumulateGradient(x, g, count);
        TensorPrimitives.Multiply(v, Momentum, v);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, v, v);
        TensorPrimitives.Add(x, v, x);
    }

    /// <summary>J = [[I − ηH, γI], [−ηH, γI]] on the state (x, v).</summary>
    public override void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        int d = Dimension, s = 2 * d;
        jacobian[..(s * s)].Clear();
        WriteGradientStepJacobian(state[..d], jacobian, s, 0, 0, 1);
        WriteGradientStepJacobian(state[..d], jacobian, s, d, 0, 1);
        for (int i = 0; i < d; i++)
        {
            jacobian[(d + i) * s + i] -= 1; // −ηH = (I − ηH) − I
            jacobian[i * s + d + i] = Momentum;
            jacobian[(d + i) * s + d + i] = Momentum;
        }
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new HeavyBallMap(Objective, learningRate, Momentum);
    public override OptimizerMap WithObjective(MultiscaleObjective objective) => new HeavyBallMap(objective, LearningRate, Momentum);
}

/// <summary>
/// NAG-SC (Nesterov 2013; D.4.2): y_{k+1} = x_k − η∇f(x_k), x_{k+1} = y_{k+1} + c(y_{k+1} − y_k), y_0 = x_0,
/// c = (1 − √(μη))/(1 + √(μη)) with μ the strong-convexity constant of f0.
/// </summary>
public sealed class NesterovMap : OptimizerMap
{
    public NesterovMap(MultiscaleObjective objective, double learningRate, double strongConvexity) : base(objective, learningRate)
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
    public override int StateBlocks => 2;

    public override void Initialize(Span<double> state, int count)
    {
        int n = Dimension * count;
        state[..n].CopyTo(state.Slice(n, n));
    }

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int n = Dimension * count;
        var x = state[..n];
        var y = state.Slice(n, n);
        var g = scratch[..n];
        var yNew = scratch.Slice(n, n);
        g.Clear();
        Objective.AccumulateGradient(x, g, count);
        TensorPrimitives.MultiplyAdd(g, -LearningRate, x, yNew);       // y' = x − η∇f(x)
        TensorPrimitives.Subtract(yNew, y, x);                          // x ← y' − y
        TensorPrimitives.MultiplyAdd(x, Coefficient, yNew, x);          // x ← y' + c(y' − y)
        yNew.CopyTo(y);
    }

    /// <summary>On (x, y): dx'/dx = (1+c)(I − ηH), dx'/dy = −cI, dy'/dx = I − ηH, dy'/dy = 0.</summary>
    public override void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        int d = Dimension, s = 2 * d;
        jacobian[..(s * s)].Clear();
        WriteGradientStepJacobian(state[..d], jacobian, s, 0, 0, 1 + Coefficient);
        WriteGradientStepJacobian(state[..d], jacobian, s, d, 0, 1);
        for (int i = 0; i < d; i++) jacobian[i * s + d + i] = -Coefficient;
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new NesterovMap(Objective, learningRate, StrongConvexity);
    public override OptimizerMap WithObjective(MultiscaleObjective objective) => new NesterovMap(objective, LearningRate, StrongConvexity);
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

    public static OptimizerMap Create(string name, MultiscaleObjective objective, double learningRate, MapOptions? options = null)
    {
        options ??= new MapOptions();
        return name.ToLowerInvariant() switch
        {
            "gd" => new GradientDescentMap(objective, learningRate),
            "stochastic" => new StochasticMap(objective, learningRate),
            "gaussian" => new GaussianMap(objective, learningRate),
            "heavyball" => new HeavyBallMap(objective, learningRate, options.Momentum),
            "nag" => new NesterovMap(objective, learningRate, options.StrongConvexity ?? objective.Macro.StrongConvexity
                ?? throw new UserInputException($"f0 of '{objective.Name}' is not strongly convex: give NAG-SC's μ with --mu")),
            _ => throw new UserInputException($"unknown map '{name}'; known: {string.Join(", ", Names)}"),
        };
    }
}
