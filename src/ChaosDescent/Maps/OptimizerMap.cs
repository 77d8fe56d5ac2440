using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// One optimizer step, applied to a block of particles at once (optax-style: a small step function over state).
/// State layout is structure-of-arrays: <see cref="StateBlocks"/> blocks of d·count numbers; the first block is the
/// position x (coordinate k of particle i at <c>[k*count + i]</c>), further blocks hold momentum variables.
/// </summary>
public abstract class OptimizerMap
{
    protected OptimizerMap(MultiscaleObjective objective, double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new UserInputException($"learning rate η must be a positive finite number (got {learningRate})");
        Objective = objective;
        LearningRate = learningRate;
    }

    public MultiscaleObjective Objective { get; }

    /// <summary>η.</summary>
    public double LearningRate { get; }

    public int Dimension => Objective.Dimension;

    /// <summary>Short name: gd, stochastic, gaussian, heavyball, nag.</summary>
    public abstract string Name { get; }

    /// <summary>Number of d-vectors of state per particle (1 for GD, 2 for momentum methods).</summary>
    public virtual int StateBlocks => 1;

    /// <summary>True when a step draws random numbers.</summary>
    public virtual bool IsStochastic => false;

    /// <summary>Fills the state blocks after the first from the positions in the first block (e.g. v₀ = 0, y₀ = x₀).</summary>
    public virtual void Initialize(Span<double> state, int count) { }

    /// <summary>Advances every particle of the block by one step. <paramref name="scratch"/> has at least
    /// <see cref="ScratchLength"/>(count) numbers; no allocation happens here.</summary>
    public abstract void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch);

    public virtual int ScratchLength(int count) => 2 * Dimension * count;

    /// <summary>Jacobian of the step at one state (length StateBlocks·d), row-major (S·d)×(S·d): the tangent map used
    /// for Lyapunov exponents (eq. 4). Defined for deterministic maps only.</summary>
    public virtual void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) =>
        throw new UserInputException($"the '{Name}' map is random: its tangent map (and Lyapunov exponent) is not defined");

    /// <summary>The same map with another learning rate (for sweeps over η).</summary>
    public abstract OptimizerMap WithLearningRate(double learningRate);

    /// <summary>The same map on another objective (for sweeps over ε).</summary>
    public abstract OptimizerMap WithObjective(MultiscaleObjective objective);

    /// <summary>Writes x − η∇f(x) into <paramref name="jacobian"/>'s block as I − η∇²f(x) (d×d, row stride <paramref name="stride"/>).</summary>
    protected void WriteGradientStepJacobian(ReadOnlySpan<double> x, Span<double> jacobian, int stride, int row0, int col0, double factor)
    {
        int d = Dimension;
        Span<double> h = stackalloc double[d * d];
        Objective.Hessian(x, h);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                jacobian[(row0 + i) * stride + col0 + j] = factor * ((i == j ? 1 : 0) - LearningRate * h[i * d + j]);
    }
}
