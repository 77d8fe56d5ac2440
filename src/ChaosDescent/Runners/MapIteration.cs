using System.Buffers;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;

namespace ChaosDescent.Runners;

/// <summary>What an observer of one orbit sees before step t moves x_t.</summary>
public interface IOrbitObserver
{
    /// <summary>True when <see cref="Observe"/> at <paramref name="step"/> needs f(x_t) (the driver then asks the map
    /// for it in the same pass as the gradient; otherwise the value passed is NaN).</summary>
    bool NeedsValue(long step);

    /// <summary>
    /// Called with t, the state x_t, f(x_t) (or NaN) and the step direction at x_t (the gradient for deterministic
    /// maps). Returning false stops the orbit before step t is taken.
    /// </summary>
    bool Observe(long step, ReadOnlySpan<double> state, double value, ReadOnlySpan<double> direction);
}

/// <summary>
/// The one driver of single orbits: x_{t+1} = φ(x_t) for t = 0 … steps − 1, with observers (loss, sharpness,
/// weights, checkpoints) looking at x_t between the map's <see cref="OptimizerMap.Evaluate"/> and
/// <see cref="OptimizerMap.Advance"/>, and an optional tangent vector carried along (the Lyapunov exponent of the
/// orbit, <see cref="TangentPropagator"/>). Training loops and the gradient-descent loops of the analyses are this
/// driver with their own observers. Its one buffer is pooled; nothing is allocated per step.
/// </summary>
public static class MapIteration
{
    /// <summary>
    /// Iterates <paramref name="map"/> from <paramref name="state"/> (length StateBlocks·d, already initialized, see
    /// <see cref="OptimizerMap.Initialize"/>) in place. The tangent, when given, is propagated at every step
    /// t ≥ <paramref name="tangentFrom"/> by the map's tangent action fused with the gradient (one pass) and its
    /// one-step stretches ln ‖Dφ u‖ for t ≥ <paramref name="recordFrom"/> are appended to
    /// <paramref name="logStretches"/>. Returns the number of steps taken (less than <paramref name="steps"/> when an
    /// observer stopped the orbit).
    /// </summary>
    public static long Run(OptimizerMap map, Span<double> state, long steps, ref Xoshiro256 rng, IOrbitObserver observer,
        TangentPropagator? tangent = null, long tangentFrom = 0, long recordFrom = 0, List<double>? logStretches = null)
    {
        if (state.Length != map.StateDimension)
            throw new ArgumentException($"state has {state.Length} numbers, the map's state {map.StateDimension}");
        if (tangent is not null && tangent.Vector.Length != map.StateDimension)
            throw new ArgumentException("tangent length differs from the map's state");
        // The direction buffer is pooled: nothing is allocated per call once warm, let alone per step.
        double[] pooled = ArrayPool<double>.Shared.Rent(map.Dimension);
        try
        {
            return Iterate(map, state, steps, ref rng, observer, tangent, tangentFrom, recordFrom, logStretches, pooled.AsSpan(0, map.Dimension));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
    }

    private static long Iterate(OptimizerMap map, Span<double> state, long steps, ref Xoshiro256 rng, IOrbitObserver observer,
        TangentPropagator? tangent, long tangentFrom, long recordFrom, List<double>? logStretches, Span<double> direction)
    {
        for (long t = 0; t < steps; t++)
        {
            bool withTangent = tangent is not null && t >= tangentFrom;
            double value = withTangent
                ? map.EvaluateWithTangent(state, direction, tangent!.Vector, tangent.Image)
                : map.Evaluate(state, direction, ref rng, observer.NeedsValue(t));
            if (!observer.Observe(t, state, value, direction)) return t;
            map.Advance(state, direction);
            if (withTangent)
            {
                double stretch = tangent!.Renormalize(t);
                if (t >= recordFrom && !TangentPropagator.IsRestart(stretch)) logStretches?.Add(Math.Log(stretch));
            }
        }
        return steps;
    }

    /// <summary>Observers called in order; the orbit stops when any of them says so.</summary>
    public static IOrbitObserver All(params IOrbitObserver[] observers) => new Composite(observers);

    /// <summary>An observer from two delegates (for analyses whose observation is a few lines).</summary>
    public static IOrbitObserver Observer(OrbitObservation observe, Func<long, bool>? needsValue = null) =>
        new DelegateObserver(observe, needsValue);

    /// <summary>Takes no observation (plain iteration).</summary>
    public static IOrbitObserver None { get; } = new DelegateObserver((long _, ReadOnlySpan<double> _, double _, ReadOnlySpan<double> _) => true, null);

    private sealed class Composite(IOrbitObserver[] observers) : IOrbitObserver
    {
        public bool NeedsValue(long step)
        {
            foreach (var o in observers) if (o.NeedsValue(step)) return true;
            return false;
        }

        public bool Observe(long step, ReadOnlySpan<double> state, double value, ReadOnlySpan<double> direction)
        {
            foreach (var o in observers) if (!o.Observe(step, state, value, direction)) return false;
            return true;
        }
    }

    private sealed class DelegateObserver(OrbitObservation observe, Func<long, bool>? needsValue) : IOrbitObserver
    {
        public bool NeedsValue(long step) => needsValue?.Invoke(step) ?? false;
        public bool Observe(long step, ReadOnlySpan<double> state, double value, ReadOnlySpan<double> direction) =>
            observe(step, state, value, direction);
    }
}

/// <summary>The observation callback of <see cref="MapIteration.Observer"/>.</summary>
public delegate bool OrbitObservation(long step, ReadOnlySpan<double> state, double value, ReadOnlySpan<double> direction);
