using System.Numerics.Tensors;
using System.Buffers;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// One optimizer step φ over any objective <see cref="IScalarField"/> (optax-style: a small step function over
/// state). State layout is structure-of-arrays: <see cref="StateBlocks"/> blocks of d·count numbers; the first block
/// is the position x (coordinate k of particle i at <c>[k*count + i]</c>), further blocks hold momentum variables.
/// <para>Three views of the same step, so that every runner and analysis uses one definition of the optimizer:</para>
/// <list type="bullet">
/// <item><see cref="Step"/>: a block of particles at once (ensembles; SIMD across particles);</item>
/// <item><see cref="Evaluate"/> then <see cref="Advance"/>: one orbit, split where observers look at x_t, f(x_t)
/// and the step direction (the gradient, or a noisy one) before the map moves x_t (training loops,
/// <c>Runners.MapIteration</c>);</item>
/// <item><see cref="ApplyTangent"/>: the tangent map u ↦ Dφ(x)·u, evaluated by one Hessian-vector product
/// (I − η∇²f for GD, the momentum maps accordingly). The dense <see cref="Jacobian"/> is its special case, built
/// from the tangent action on unit vectors: one source of truth for Lyapunov exponents (eq. 4) and linear theory.</item>
/// </list>
/// Maps hold no per-call state: one instance may step several blocks on several threads at once (when the
/// objective allows it, <see cref="IScalarField"/>).
/// </summary>
public abstract class OptimizerMap
{
    protected OptimizerMap(IScalarField objective, double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new UserInputException($"learning rate η must be a positive finite number (got {learningRate})");
        Objective = objective;
        LearningRate = learningRate;
    }

    public IScalarField Objective { get; }

    /// <summary>The objective as f = f0 + f1,ε (ζ, σ², m and the rescaled Gibbs law are defined only then); a user
    /// error for other objectives.</summary>
    public MultiscaleObjective Multiscale => Objective as MultiscaleObjective
        ?? throw new UserInputException($"the '{Name}' map runs on an objective that is not of the form f = f0 + f1,eps: this analysis needs one");

    /// <summary>η.</summary>
    public double LearningRate { get; }

    public int Dimension => Objective.Dimension;

    /// <summary>StateBlocks·d: the length of one particle's state and of its tangent vectors.</summary>
    public int StateDimension => StateBlocks * Dimension;

    /// <summary>Short name: gd, stochastic, gaussian, heavyball, nag, sgd.</summary>
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

    /// <summary>
    /// Single orbit, first half of a step: writes the step direction at x_t into <paramref name="direction"/>
    /// (length d: ∇f(x_t) for the deterministic maps, a noisy gradient for the random ones) and returns f(x_t) when
    /// <paramref name="withValue"/> (NaN otherwise, and for random maps, which never evaluate f).
    /// </summary>
    public virtual double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue)
    {
        var x = state[..Dimension];
        if (withValue) return Objective.ValueAndGradient(x, direction);
        Objective.Gradient(x, direction);
        return double.NaN;
    }

    /// <summary>Single orbit, second half: moves the state by the direction <see cref="Evaluate"/> wrote (which this
    /// may overwrite). The same arithmetic as <see cref="Step"/> with count 1, except that the direction comes from the
    /// objective's point-wise gradient rather than its block kernel (equal up to rounding). Default: the first-order
    /// update x ← x − η·direction of every map without a velocity (GD, the stochastic and Gaussian maps, SGD,
    /// Langevin); maps with more state (heavy ball, NAG-SC) override it.</summary>
    public virtual void Advance(Span<double> state, Span<double> direction) =>
        TensorPrimitives.MultiplyAdd(direction, -LearningRate, state[..Dimension], state[..Dimension]);

    /// <summary>
    /// <see cref="Evaluate"/> (with the value) and <see cref="ApplyTangent"/> at the same state together: one pass
    /// where the objective computes f, ∇f and ∇²f·u at once (forward-over-reverse for a network).
    /// </summary>
    public double EvaluateWithTangent(ReadOnlySpan<double> state, Span<double> direction, ReadOnlySpan<double> tangent, Span<double> image)
    {
        RequireDeterministic();
        int d = Dimension;
        double value = Objective.ValueGradientAndHessianVectorProduct(state[..d], tangent[..d], direction, image[^d..]);
        CompleteTangent(tangent, image);
        return value;
    }

    /// <summary>
    /// The tangent action <paramref name="image"/> = Dφ(state)·<paramref name="tangent"/> (both of length
    /// <see cref="StateDimension"/>, not overlapping): one Hessian-vector product ∇²f(x)·δx and a few vector
    /// operations. Defined for deterministic maps only.
    /// </summary>
    public void ApplyTangent(ReadOnlySpan<double> state, ReadOnlySpan<double> tangent, Span<double> image)
    {
        RequireDeterministic();
        int d = Dimension;
        Objective.HessianVectorProduct(state[..d], tangent[..d], image[^d..]);
        CompleteTangent(tangent, image);
    }

    /// <summary>
    /// The map's tangent as a linear function of (δstate, ∇²f·δx): on entry the last d-block of
    /// <paramref name="image"/> holds ∇²f(x)·δx (δx the first block of <paramref name="tangent"/>); on return
    /// <paramref name="image"/> is Dφ·δstate.
    /// </summary>
    protected virtual void CompleteTangent(ReadOnlySpan<double> tangent, Span<double> image) => RequireDeterministic();

    /// <summary>Jacobian Dφ at one state (length StateBlocks·d), row-major (S·d)×(S·d): column j is the tangent action
    /// on the j-th unit vector. Defined for deterministic maps only.</summary>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        RequireDeterministic();
        int n = StateDimension;
        double[]? pooled = n > 64 ? ArrayPool<double>.Shared.Rent(2 * n) : null;
        Span<double> buffer = pooled is null ? stackalloc double[2 * n] : pooled.AsSpan(0, 2 * n);
        var e = buffer[..n];
        var column = buffer[n..];
        e.Clear();
        for (int j = 0; j < n; j++)
        {
            e[j] = 1;
            ApplyTangent(state, e, column);
            e[j] = 0;
            for (int i = 0; i < n; i++) jacobian[i * n + j] = column[i];
        }
        if (pooled is not null) ArrayPool<double>.Shared.Return(pooled);
    }

    /// <summary>The same map with another learning rate (for sweeps over η).</summary>
    public abstract OptimizerMap WithLearningRate(double learningRate);

    /// <summary>The same map on another objective (for sweeps over ε, and for linearizations on a quadratic).</summary>
    public abstract OptimizerMap WithObjective(IScalarField objective);

    private void RequireDeterministic()
    {
        if (IsStochastic)
            throw new UserInputException($"the '{Name}' map is random: its tangent map (and Lyapunov exponent) is not defined");
    }
}
