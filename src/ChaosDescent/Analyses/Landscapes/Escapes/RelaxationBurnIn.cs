using System.Globalization;

namespace ChaosDescent.Analyses.Landscapes.Escapes;

/// <summary>The burn-in an escape run used, why, and what the run can and cannot say about the stationary law.</summary>
/// <param name="BurnIn">Steps discarded before occupations, exposures and rates are counted.</param>
/// <param name="Rule">How <paramref name="BurnIn"/> was chosen, in words (with the numbers).</param>
/// <param name="RelaxationTime">τ = 1/gap of the jump process between the wells with the rates measured over the
/// whole run, in steps; null when no transition was observed (τ not measurable from this run).</param>
/// <param name="Equilibrated">Whether the counted part of the run starts after the transient has decayed.</param>
/// <param name="Warnings">What a reader of the occupations must know (empty when nothing).</param>
public sealed record BurnInChoice(int BurnIn, string Rule, double? RelaxationTime, bool Equilibrated, IReadOnlyList<string> Warnings);

/// <summary>
/// Chooses the burn-in of an escape run from the run itself, so that occupations estimate the stationary law and
/// not the transient from the starting well. Between the wells the ensemble relaxes like a Markov jump process with
/// generator Q (Q_ij the measured rate i → j per step): the distance of the occupation from stationarity decays as
/// e^(−t/τ), τ = 1/gap(Q), the smallest non-zero |Re λ| of Q (for two wells τ = 1/(k₀₁ + k₁₀)). The rates are
/// exits per committed particle-step and do not depend on how the particles are spread over the wells, so the whole
/// run measures them. The burn-in is <see cref="RelaxationTimes"/>·τ, rounded up to a window boundary: the initial
/// deviation δ₀ ≤ 1 has decayed to δ₀e^(−5) &lt; 0.7 %, and the bias of the average over the remaining K − B steps is
/// at most δ₀e^(−5)·τ/(K − B). When 5τ exceeds half the run, half the run is discarded and the result says that it
/// did not equilibrate.
/// </summary>
public static class RelaxationBurnIn
{
    /// <summary>Burn-in in units of the relaxation time τ.</summary>
    public const double RelaxationTimes = 5;

    /// <summary>Fewer transitions than this (over the whole run) leave τ uncertain by more than about 20 %.</summary>
    public const long MinimumTransitions = 25;

    /// <summary>
    /// τ = 1/gap of the generator with the rates of <paramref name="run"/> (over its counted steps), in steps; null
    /// when no transition was observed or the gap is zero.
    /// </summary>
    public static double? RelaxationTime(EscapeResult run)
    {
        int n = run.RegionCount;
        var used = Enumerable.Range(0, n).Where(i => run.Exposure[i] > 0).ToArray();
        if (used.Length < 2) return null;
        int m = used.Length;
        var q = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m, m);
        double scale = 0;
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
            {
                if (a == b) continue;
                double r = run.Rate(used[a], used[b]);
                q[a, b] = r;
                q[a, a] -= r;
                scale = Math.Max(scale, r);
            }
        if (!(scale > 0)) return null;
        double gap = double.PositiveInfinity;
        foreach (var ev in q.Evd().EigenValues)
        {
            double re = Math.Abs(ev.Real);
            if (re > 1e-9 * scale) gap = Math.Min(gap, re);
        }
        return double.IsFinite(gap) ? 1 / gap : null;
    }

    /// <summary>
    /// The default burn-in of <paramref name="run"/> (which must have been counted from step 0): 5τ rounded up to a
    /// window boundary, at most half the run; with the rule in words and the warnings.
    /// </summary>
    public static BurnInChoice Choose(EscapeResult run)
    {
        if (run.BurnIn != 0) throw new ArgumentException("the burn-in is chosen from a run counted from step 0");
        int steps = run.Settings.Steps;
        var warnings = new List<string>();
        long transitions = run.Transitions.Cast<long>().Sum();
        double? tau = RelaxationTime(run);
        int half = Candidate(run, steps / 2.0, down: true);
        if (tau is not { } t)
        {
            warnings.Add($"no transition between wells in {steps:N0} steps: the relaxation time cannot be measured and the occupations are those of the starting well, not the stationary law; run longer or at a larger eta");
            return new BurnInChoice(half, $"half the run ({half:N0} steps): no transition observed, relaxation time unknown", null, false, warnings);
        }
        if (transitions < MinimumTransitions)
            warnings.Add($"only {transitions} transitions between wells: the relaxation time {F(t)} steps is uncertain; run more particles or steps");
        double target = RelaxationTimes * t;
        if (target > steps / 2.0)
        {
            warnings.Add($"run too short to equilibrate: relaxation time tau = {F(t)} steps, {RelaxationTimes:G} tau = {F(target)} exceeds half the run ({steps / 2:N0} steps); occupations still carry the transient from the starting well; use --steps >= {Math.Ceiling(2 * target):F0}");
            return new BurnInChoice(half, $"half the run ({half:N0} steps): {RelaxationTimes:G} relaxation times ({F(target)} steps, tau = 1/gap of the measured rates) exceed it", t, false, warnings);
        }
        int burn = Candidate(run, target, down: false);
        return new BurnInChoice(burn, $"{RelaxationTimes:G} relaxation times: tau = 1/gap of the measured rates = {F(t)} steps, {RelaxationTimes:G} tau = {F(target)} rounded up to {burn:N0}", t, true, warnings);
    }

    /// <summary>
    /// Checks an explicit burn-in against the relaxation time measured with it; the warnings of
    /// <see cref="Choose"/> apply when it is shorter than 5τ.
    /// </summary>
    public static BurnInChoice Explicit(EscapeResult run)
    {
        var warnings = new List<string>();
        double? tau = RelaxationTime(run);
        bool ok = tau is { } t && run.BurnIn >= RelaxationTimes * t;
        if (tau is { } t2 && !ok)
            warnings.Add($"burn-in {run.BurnIn:N0} is shorter than {RelaxationTimes:G} relaxation times ({F(RelaxationTimes * t2)} steps, tau = {F(t2)}): occupations may carry the transient from the start");
        if (tau is null)
            warnings.Add($"no transition between wells after the burn-in: the occupations are those of where the particles were, not the stationary law");
        return new BurnInChoice(run.BurnIn, $"given (--burn-in {run.BurnIn})", tau, ok, warnings);
    }

    private static int Candidate(EscapeResult run, double target, bool down)
    {
        var c = run.BurnInCandidates;
        if (down) return c.Where(b => b <= target).DefaultIfEmpty(0).Max();
        return c.Where(b => b >= target).DefaultIfEmpty(c[^1]).Min();
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
