using ChaosDescent.Analyses.Landscapes.Wells;
using ChaosDescent.Maps;
using ChaosDescent.Runners;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Numerics.Roots;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>What <see cref="EscapeAnalysis.Run"/> should do.</summary>
public sealed record EscapeRequest
{
    /// <summary>A 1-D map: gd (deterministic φ), stochastic (φ̂), gaussian (φ̃ of Rmk. 16), or a momentum map.</summary>
    public required OptimizerMap Map { get; init; }

    public int Particles { get; init; } = 10_000;
    public int Steps { get; init; } = 20_000;

    /// <summary>
    /// Occupation and rates count steps after this; first exits count from step 1. Null (the default): chosen from
    /// the run itself as 5 relaxation times of the measured jump process between the wells
    /// (<see cref="RelaxationBurnIn"/>), so that occupations estimate the stationary law, not the transient.
    /// </summary>
    public int? BurnIn { get; init; }

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }

    /// <summary>Well to start in (uniformly over its core); null = the rightmost well (as in Figs. 20–21).</summary>
    public int? FromWell { get; init; }

    /// <summary>Overrides the start in <see cref="FromWell"/>'s core.</summary>
    public InitialCondition? Initial { get; init; }

    /// <summary>Core of a well: {x in the well : f0(x) − f0(min) ≤ CoreFraction·ΔF}; 0 &lt; CoreFraction ≤ 1.</summary>
    public double CoreFraction { get; init; } = 0.5;

    public int TraceParticles { get; init; }
    public int TraceSteps { get; init; }
}

/// <summary>Escape statistics of one well of f0, with what the rescaled Gibbs law and Eyring–Kramers predict.</summary>
/// <param name="Well">The well (between local maxima of f0).</param>
/// <param name="CoreLo">Left end of its core.</param>
/// <param name="CoreHi">Right end of its core.</param>
/// <param name="Occupation">Fraction of particle-steps (after burn-in) in the well.</param>
/// <param name="OccupationGibbs">Mass of the well under the rescaled Gibbs law exp(−2f0/(ησ²))/Z (null without σ²).</param>
/// <param name="OccupationFromRates">Stationary occupation of the jump process with the measured rates.</param>
/// <param name="MeanExitTime">Mean exit time in steps (see <paramref name="MeanExitMethod"/>).</param>
/// <param name="MeanExitLo">95 % interval, lower end.</param>
/// <param name="MeanExitHi">95 % interval, upper end.</param>
/// <param name="MeanExitMethod">
/// sample_mean (every start exited), geometric_mle_censored (first exits, some censored), residence_mle (this well
/// was not the start: all sojourns in it after burn-in, the unfinished ones censored), or none.
/// </param>
/// <param name="FirstExits">First-exit times of the particles that started here (null when none did).</param>
/// <param name="Exits">Transitions out of the well after burn-in.</param>
/// <param name="Exposure">Particle-steps committed to the well after burn-in.</param>
/// <param name="EscapeRatePerStep">Exits / Exposure (geometric MLE over all sojourns).</param>
/// <param name="KramersRatePerStep">
/// Eyring–Kramers: Σ over the well's saddles s of η√(f0″(m)|f0″(s)|)/(2π)·exp(−2ΔF_s/(ησ²)) per step — the SDE
/// dX = −f0′dt + √(ησ²)dW that φ̂ and φ̃ discretize with dt = η (null without σ² or saddle).
/// </param>
/// <param name="TrappedRemark12">Remark 12: the well's minimum lies in a component of S with no maximum of f0.</param>
/// <param name="Certificate">Exact reachable interval of the stochastic map from the minimum at this η (null without noise range).</param>
/// <param name="OccupationStdErr">Standard error of <paramref name="Occupation"/> from the spread over independent blocks of particles.</param>
public sealed record WellEscape(
    PotentialWell Well, double CoreLo, double CoreHi,
    double Occupation, double? OccupationGibbs, double OccupationFromRates,
    double MeanExitTime, double MeanExitLo, double MeanExitHi, string MeanExitMethod,
    ExitTimeStatistics? FirstExits, long Exits, long Exposure, double EscapeRatePerStep,
    double? KramersRatePerStep, bool? TrappedRemark12, TrapCertificate? Certificate, double OccupationStdErr = double.NaN)
{
    public double? KramersMeanExitTime => KramersRatePerStep is { } k && k > 0 ? 1 / k : null;
}

/// <summary>
/// Escapes between the wells of a 1-D f0 (D.5; talk: "escape from local min, via large LR, without noise"): runs an
/// ensemble with <see cref="EscapeRunner"/> over the wells (split at the local maxima of f0, with cores), and sets
/// the measured occupations, exit times and rates beside the rescaled Gibbs masses, Eyring–Kramers rates and the
/// Remark 12 connectivity of S.
/// </summary>
public sealed class EscapeAnalysis
{
    public required EscapeRequest Request { get; init; }
    public required PotentialWells Wells { get; init; }
    public required RegionPartition Regions { get; init; }
    public required EscapeResult Result { get; init; }
    public required int StartWell { get; init; }
    public required IReadOnlyList<WellEscape> PerWell { get; init; }
    public double? Sigma2 { get; init; }
    public RescaledGibbs? Gibbs { get; init; }
    public WellConnectivity? Connectivity { get; init; }

    /// <summary>Why there is no Gibbs/Kramers prediction (null when there is one).</summary>
    public string? GibbsNote { get; init; }

    /// <summary>The burn-in used, the rule that chose it, the relaxation time and the warnings (run too short, …).</summary>
    public required BurnInChoice BurnIn { get; init; }

    public static EscapeAnalysis Run(EscapeRequest request, IProgress<double>? progress = null)
    {
        var map = request.Map;
        var objective = map.Multiscale;
        if (objective.Dimension != 1) throw new UserInputException($"escape statistics are 1-D ('{objective.Name}' has d = {objective.Dimension})");
        if (!(request.CoreFraction > 0 && request.CoreFraction <= 1)) throw new UserInputException($"--core must lie in (0, 1] (got {request.CoreFraction})");
        var land = new Landscape1D(objective.Macro);
        var wells = PotentialWells.Of(land);
        var cores = wells.Wells.Select(w => Core(land, w, request.CoreFraction)).ToArray();
        var regions = new RegionPartition(wells.Maxima.ToArray(), cores);
        int startWell = request.FromWell ?? wells.Wells.Count - 1;
        if (startWell < 0 || startWell >= wells.Wells.Count)
            throw new UserInputException($"--from-well must lie in [0, {wells.Wells.Count - 1}] (f0 has {wells.Wells.Count} wells)");
        var initial = request.Initial ?? InitialCondition.Uniform(cores[startWell].Lo, cores[startWell].Hi);

        var (sigma2, gibbs, note) = RescaledGibbs.TryFor(objective, map.LearningRate);
        WellConnectivity? conn = null;
        try
        {
            conn = WellConnectivity.For(objective);
        }
        catch (UserInputException)
        {
            // no noise range (general micro-scale or none): no Remark 12 statement
        }

        var result = EscapeRunner.Run(map, regions, new EscapeSettings
        {
            Particles = request.Particles,
            Steps = request.Steps,
            BurnIn = request.BurnIn ?? 0,
            Seed = request.Seed,
            Threads = request.Threads,
            Initial = initial,
            TraceParticles = request.TraceParticles,
            TraceSteps = request.TraceSteps,
        }, progress);
        if (result.Diverged == request.Particles)
            throw new UserInputException($"all {request.Particles} particles diverged (first at step {result.DivergedFirstStep}): η = {map.LearningRate} is too large for this objective");

        var burnIn = request.BurnIn is null ? RelaxationBurnIn.Choose(result) : RelaxationBurnIn.Explicit(result);
        if (request.BurnIn is null) result = result.WithBurnIn(burnIn.BurnIn);
        var occ = result.OccupationFractions();
        var occSe = result.OccupationStandardErrors();
        var fromRates = result.OccupationFromRates();
        double eta = map.LearningRate;
        var per = wells.Wells.Select((w, i) =>
        {
            var first = result.InitialRegion.Contains(i) ? result.FirstExitTimes(i) : null;
            double mean, lo, hi;
            string method;
            if (first is not null && first.Count > 0)
                (mean, lo, hi, method) = first.MeanExitTime();
            else
            {
                long d = result.ExitsFrom(i), s = result.Exposure[i];
                mean = d > 0 ? s / (double)d : double.NaN;
                (lo, hi) = s > 0 ? ExitTimeStatistics.GeometricMeanInterval(d, s) : (double.NaN, double.NaN);
                method = s > 0 ? "residence_mle" : "none";
            }
            double? kramers = sigma2 is { } s2 ? KramersRate(land, w, eta, s2) : null;
            var trap = conn?.Trapping.FirstOrDefault(t => t.Well.Index == w.Index);
            return new WellEscape(w, cores[i].Lo, cores[i].Hi, occ[i],
                gibbs?.Marginal(0).Mass(w.Lo, w.Hi), fromRates[i], mean, lo, hi, method, first,
                result.ExitsFrom(i), result.Exposure[i], result.EscapeRate(i), kramers,
                trap?.Trapped, conn?.Certify(w, eta), occSe[i]);
        }).ToArray();

        return new EscapeAnalysis
        {
            Request = request,
            Wells = wells,
            Regions = regions,
            Result = result,
            StartWell = startWell,
            PerWell = per,
            Sigma2 = sigma2,
            Gibbs = gibbs,
            Connectivity = conn,
            GibbsNote = note,
            BurnIn = burnIn,
        };
    }

    /// <summary>
    /// Eyring–Kramers rate per step out of well <paramref name="w"/>: φ̂ (and φ̃) is the Euler–Maruyama scheme with dt = η
    /// of dX = −f0′(X)dt + √(2T)dW, T = ησ²/2, whose escape rate over a saddle s is √(f0″(m)|f0″(s)|)/(2π)·e^(−ΔF/T)
    /// per unit time; per step that is multiplied by η. Saddles of both sides add. Null when no finite barrier exists.
    /// </summary>
    public static double? KramersRate(Landscape1D land, PotentialWell w, double eta, double sigma2)
    {
        double temperature = eta * sigma2 / 2, rate = 0;
        bool any = false;
        foreach (var (s, barrier) in new[] { (w.Lo, w.BarrierLeft), (w.Hi, w.BarrierRight) })
        {
            if (!double.IsFinite(s)) continue;
            double curv = Math.Abs(land.D2(s));
            if (!(curv > 0) || !(w.Curvature > 0)) continue;
            rate += eta * Math.Sqrt(w.Curvature * curv) / (2 * Math.PI) * Math.Exp(-barrier / temperature);
            any = true;
        }
        return any ? rate : null;
    }

    /// <summary>
    /// Core of a well: the interval around the minimum where f0 − f0(min) ≤ fraction·ΔF (ΔF the lower barrier).
    /// f0 is monotone on each side of the minimum inside the well, so the ends are single roots (bisection).
    /// </summary>
    public static (double Lo, double Hi) Core(Landscape1D land, PotentialWell w, double fraction)
    {
        if (!double.IsFinite(w.Barrier)) return (w.Lo, w.Hi);
        double level = w.MinimumValue + fraction * w.Barrier;
        double G(double x) => land.Value(x) - level;
        return (End(w.Lo, -1), End(w.Hi, +1));

        double End(double bound, int dir)
        {
            double outside;
            if (double.IsFinite(bound) && G(bound) >= 0) outside = bound;
            else
            {
                double step = Math.Max(1e-3, 0.1 * Math.Abs(w.Minimum));
                outside = w.Minimum + dir * step;
                while (G(outside) < 0 && (!double.IsFinite(bound) || dir * (outside - bound) < 0))
                {
                    step *= 2;
                    outside = w.Minimum + dir * step;
                }
                if (double.IsFinite(bound) && dir * (outside - bound) >= 0) outside = bound;
            }
            if (G(outside) < 0) return outside; // never reaches the level (fraction·ΔF above the boundary): whole side
            var (a, b) = Bisection.Bracket(G, Math.Min(w.Minimum, outside), Math.Max(w.Minimum, outside));
            return dir < 0 ? b : a; // stay inside the core
        }
    }
}
