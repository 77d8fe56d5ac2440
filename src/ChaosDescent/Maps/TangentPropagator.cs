using ChaosDescent.Numerics;

namespace ChaosDescent.Maps;

/// <summary>
/// The tangent engine of the maximal Lyapunov exponent (Benettin et al. 1980; eq. 4 of Kong &amp; Tao 2020): a unit
/// tangent vector u carried along an orbit, u ← Dφ(x_t)u / ‖Dφ(x_t)u‖, with λ = mean ln ‖Dφ(x_t)u_t‖. Dφ·u comes from
/// the map's tangent action (<see cref="OptimizerMap.ApplyTangent"/>: one Hessian-vector product, so it serves a
/// network with thousands of parameters as well as a 1-D objective). Used by <c>Analyses.Chaos.LyapunovEstimator</c>
/// and by the training loop (<c>Learning.Trainer</c>), so both read their exponents from the same code.
/// A tangent that collapses to 0 (a superstable hit) or overflows is restarted from a fresh random direction.
/// </summary>
public sealed class TangentPropagator
{
    private readonly ulong _seed;
    private readonly ulong _stream;
    private int _restarts;

    /// <param name="dimension">Length of the tangent (the map's <see cref="OptimizerMap.StateDimension"/>).</param>
    /// <param name="seed">Seed of the random start (and of restarts).</param>
    /// <param name="stream">Stream of <see cref="Xoshiro256.ForStream"/> for the start.</param>
    public TangentPropagator(int dimension, ulong seed, ulong stream = DefaultStream)
    {
        Vector = new double[dimension];
        Image = new double[dimension];
        _seed = seed;
        _stream = stream;
        RandomStart(seed);
    }

    /// <summary>The stream the training loop has always used for its tangent start.</summary>
    public const ulong DefaultStream = 0x7A_4E47;

    /// <summary>u, unit length.</summary>
    public double[] Vector { get; }

    /// <summary>Dφ·u after the map's tangent action (before <see cref="Renormalize"/>).</summary>
    public double[] Image { get; }

    /// <summary>Number of restarts so far.</summary>
    public int Restarts => _restarts;

    /// <summary>Applies Dφ(state) to u (into <see cref="Image"/>), then <see cref="Renormalize"/>.</summary>
    public double Propagate(OptimizerMap map, ReadOnlySpan<double> state, long step)
    {
        map.ApplyTangent(state, Vector, Image);
        return Renormalize(step);
    }

    /// <summary>Sets u (a unit vector drawn by the caller, e.g. from its block's random stream).</summary>
    public void Start(ReadOnlySpan<double> unit) => unit.CopyTo(Vector);

    /// <summary>
    /// u ← Image/‖Image‖ and returns ‖Image‖ = ‖Dφ u‖, the one-step stretch (its log is the contribution to λ). When
    /// the image is 0 (Dφ u = 0 exactly: a superstable hit) or not finite, u restarts from a random direction seeded
    /// by <paramref name="step"/> (see <see cref="IsRestart"/>).
    /// </summary>
    public double Renormalize(long step)
    {
        double norm = Math.Sqrt(Dot(Image, Image));
        if (IsRestart(norm))
        {
            _restarts++;
            RandomStart(_seed + (ulong)step);
            return norm;
        }
        double inv = 1 / norm;
        for (int i = 0; i < Vector.Length; i++) Vector[i] = Image[i] * inv;
        return norm;
    }

    /// <summary>True when a stretch returned by <see cref="Renormalize"/> restarted the tangent (0 or not finite).</summary>
    public static bool IsRestart(double stretch) => !(stretch > 0) || !double.IsFinite(stretch);

    private void RandomStart(ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, _stream);
        for (int i = 0; i < Vector.Length; i++) Vector[i] = rng.NextGaussian();
        double norm = Math.Sqrt(Dot(Vector, Vector));
        for (int i = 0; i < Vector.Length; i++) Vector[i] /= norm;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
