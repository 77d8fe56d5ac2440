using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// GD with additive Gaussian noise on any objective: x ← x − η∇f(x) + Rξ, ξ ~ N(0, I), with a fixed d×d factor R
/// (row-major) of the step covariance Q = RRᵀ. With Q = 2ηT·I it is the Euler–Maruyama discretization of the
/// Langevin equation dx = −∇f dt + √(2T) dB; with Q = η²C it is GD with a noise covariance C put in by hand
/// (e.g. SGD's minibatch covariance). (The Gaussian map of Remark 16, <see cref="GaussianMap"/>, is the multiscale
/// special case whose noise replaces the micro-scale.)
/// </summary>
public sealed class AdditiveGaussianNoiseMap : ParticlewiseNoisyGradientMap
{
    private readonly double[] _root;

    public AdditiveGaussianNoiseMap(IScalarField objective, double learningRate, double[] noiseFactor) : base(objective, learningRate)
    {
        int d = objective.Dimension;
        if (noiseFactor.Length != d * d) throw new ArgumentException("the noise factor must be d × d");
        _root = noiseFactor;
    }

    public override string Name => "gd+noise";

    /// <summary>Direction ∇f(x) − Rξ/η (so x − η·direction = x − η∇f(x) + Rξ).</summary>
    public override double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue)
    {
        int d = Dimension;
        double value = withValue ? Objective.ValueAndGradient(state[..d], direction) : double.NaN;
        if (!withValue) Objective.Gradient(state[..d], direction);
        Span<double> z = stackalloc double[d];
        for (int k = 0; k < d; k++) z[k] = rng.NextGaussian();
        double inv = 1 / LearningRate;
        for (int k = 0; k < d; k++)
        {
            double noise = 0;
            for (int j = 0; j < d; j++) noise += _root[k * d + j] * z[j];
            direction[k] -= noise * inv;
        }
        return value;
    }

    public override OptimizerMap WithLearningRate(double learningRate) => new AdditiveGaussianNoiseMap(Objective, learningRate, _root);
    public override OptimizerMap WithObjective(IScalarField objective) => new AdditiveGaussianNoiseMap(objective, LearningRate, _root);
}
