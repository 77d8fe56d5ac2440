using System.Numerics.Tensors;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Maps;

/// <summary>
/// A random map x ← x − η·g(x, ξ) whose noisy direction g is drawn one particle at a time (a minibatch, a Gaussian
/// vector of any covariance): the block step gathers each particle, lets <see cref="OptimizerMap.Evaluate"/> draw its
/// direction from the block's generator in particle order, and moves it by plain GD. One skeleton for
/// <see cref="AdditiveGaussianNoiseMap"/> and <see cref="MinibatchSgdMap"/>, so their block and single-orbit steps are
/// the same arithmetic to the bit.
/// </summary>
public abstract class ParticlewiseNoisyGradientMap(IScalarField objective, double learningRate) : OptimizerMap(objective, learningRate)
{
    public override bool IsStochastic => true;

    /// <summary>The gathered particle and its direction; subclasses that need more add to it.</summary>
    public override int ScratchLength(int count) => 2 * Dimension;

    public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
    {
        int d = Dimension;
        var w = scratch[..d];
        var g = scratch.Slice(d, d);
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < d; k++) w[k] = state[k * count + i];
            Evaluate(w, g, ref rng, false);
            Advance(w, g);
            for (int k = 0; k < d; k++) state[k * count + i] = w[k];
        }
    }

    public abstract override double Evaluate(ReadOnlySpan<double> state, Span<double> direction, ref Xoshiro256 rng, bool withValue);

}
