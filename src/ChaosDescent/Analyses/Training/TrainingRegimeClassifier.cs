using ChaosDescent.Learning;
using ChaosDescent.Numerics;

namespace ChaosDescent.Analyses.Training;

/// <summary>The four regimes of one full-batch training run at a fixed learning rate.</summary>
public enum LearningRateRegime
{
    /// <summary>GD is descending towards a minimum: the late-window loss never rose, or it rose but the final point is
    /// linearly stable with margin (η·λ_max/2 below the band), i.e. a transient that is settling.</summary>
    Converging,

    /// <summary>Not converging, not chaotic, and the sharpness sits at (or above) the stability limit 2/η: the edge of
    /// stability of Cohen et al. (ICLR 2021), where λ_max hovers at 2/η while the loss falls non-monotonically.</summary>
    EdgeOfStability,

    /// <summary>Not converging and λ − 2 SE &gt; 0 for the maximal Lyapunov exponent of the training map: sensitive
    /// dependence on the initial condition (Kong &amp; Tao 2020, Sec. 3.3, Fig. 6).</summary>
    Chaotic,

    /// <summary>The loss blew up (non-finite, or above the divergence threshold of the trainer).</summary>
    Diverged,
}

/// <summary>
/// Classifies one training run (<see cref="TrainingResult"/>) into <see cref="LearningRateRegime"/>. The rules, in order:
/// <list type="number">
/// <item>diverged when the trainer stopped the run as diverged;</item>
/// <item>converging when the late-window loss never rose (<see cref="LossWindowStatistics.Converged"/>: below the edge of
/// stability GD is a descent method, Kong &amp; Tao 2020 Fig. 7);</item>
/// <item>chaotic when λ − 2 SE &gt; 0 (the Lyapunov exponent of the map is significantly positive; a marginal orbit with
/// λ = 0 passes this by chance in about 2.3% of runs, the one-sided normal tail at 2 SE);</item>
/// <item>converging when the final sharpness is below the band, η·λ_max/2 &lt; 1 − band (heavy ball: λ_max over
/// 2(1 + β)/η): every Hessian direction contracts, so the late rises were a transient still settling;</item>
/// <item>edge of stability otherwise: the loss oscillates with the sharpness at 2/η within the band or above it
/// (Cohen et al. 2021 observe it hovering just above 2/η).</item>
/// </list>
/// Every run falls in exactly one class, so the four fractions at a learning rate sum to one.
/// </summary>
public static class TrainingRegimeClassifier
{
    /// <summary>Default half-width b of the sharpness band: the edge of stability is η·λ_max/2 ≥ 1 − b.</summary>
    public const double DefaultSharpnessBand = 0.2;

    /// <summary>The four regimes in the order the fractions are reported.</summary>
    public static readonly LearningRateRegime[] All =
        [LearningRateRegime.Converging, LearningRateRegime.EdgeOfStability, LearningRateRegime.Chaotic, LearningRateRegime.Diverged];

    /// <summary>η·λ_max/2 (heavy ball: λ_max / (2(1 + β)/η)): 1 at the linear-stability limit; NaN when not measured.</summary>
    public static double SharpnessRatio(TrainingResult r) => r.FinalSharpness / r.StabilityThreshold;

    /// <summary>The regime of <paramref name="r"/> by the rules of <see cref="TrainingRegimeClassifier"/>.</summary>
    public static LearningRateRegime Classify(TrainingResult r, double sharpnessBand = DefaultSharpnessBand)
    {
        if (r.Diverged) return LearningRateRegime.Diverged;
        if (r.Late.Converged) return LearningRateRegime.Converging;
        if (double.IsFinite(r.Lyapunov) && double.IsFinite(r.LyapunovStandardError) && r.Lyapunov - 2 * r.LyapunovStandardError > 0)
            return LearningRateRegime.Chaotic;
        double ratio = SharpnessRatio(r);
        if (double.IsFinite(ratio) && ratio < 1 - sharpnessBand) return LearningRateRegime.Converging;
        return LearningRateRegime.EdgeOfStability;
    }

    /// <summary>snake_case name as in JSON and CSV: converging | edge_of_stability | chaotic | diverged.</summary>
    public static string Name(LearningRateRegime g) => g switch
    {
        LearningRateRegime.Converging => "converging",
        LearningRateRegime.EdgeOfStability => "edge_of_stability",
        LearningRateRegime.Chaotic => "chaotic",
        _ => "diverged",
    };

    /// <summary>Seed of initialization <paramref name="index"/>: its own stream of <paramref name="seed"/>, so the
    /// initializations are independent and the same whatever else is run.</summary>
    public static ulong InitializationSeed(ulong seed, int index) => Xoshiro256.ForStream(seed, 0x5EC33_0000UL + (ulong)index).NextUInt64();

    /// <summary>Wilson score interval (Wilson 1927) for <paramref name="successes"/> of <paramref name="n"/> at normal
    /// quantile <paramref name="z"/>: well behaved at proportions near 0 and 1, where lr-find's fractions usually are.</summary>
    public static (double Lower, double Upper) Wilson(int successes, int n, double z = 1.959963984540054)
    {
        if (n == 0) return (0, 1);
        double p = successes / (double)n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
