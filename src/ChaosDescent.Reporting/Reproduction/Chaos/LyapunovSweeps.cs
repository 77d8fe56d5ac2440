using ChaosDescent.Statistics;
using System.Globalization;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Experiments;
using ChaosDescent.Experiments.Sweeps;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Numerics.LinearAlgebra;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>One (η, ε) of a Lyapunov sweep.</summary>
internal sealed record SweepPoint(double Eta, double Eps, LyapunovResult Result)
{
    public double LogRatio => Math.Log(Eta / Eps);

    /// <summary>
    /// Tolerance for |λ − (m + ln(η/ε))|: 4 standard errors, plus Thm. 9's O(ε + η) taken with unit constant, plus
    /// ε/η. Thm. 9 is the limit ε → 0 at fixed η, so terms in ε/η are part of what it neglects: the f0 and "1" parts
    /// of φ' = 1 − η f0'' − (η/ε) ε f1'' enter as a shift a = (ε/η)(1 − η f0'') of ε f1'' inside the logarithm; by
    /// Jensen's formula E ln|sin θ + a| = −ln 2 for |a| ≤ 1 at a uniform phase, so what remains comes from the phase
    /// not being exactly uniform under the invariant measure, measured here to be ≲ ε/η.
    /// </summary>
    public double Tolerance(double stderr) => 4 * stderr + (Eps + Eta) + Eps / Eta;
}

/// <summary>Runs and checks the λ-versus-η and λ-versus-ε sweeps of D.3 (Figs. 13–17).</summary>
internal static class LyapunovSweeps
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The grid runs through the sweep engine: an experiment file with η and ε zipped, every unit at the settings'
    /// seed (<c>seeds: fixed</c>), so each point's orbits are those of a standalone <c>lyapunov</c> run. A point whose
    /// orbits all diverge gets NaN (and fails its check) rather than stopping the sweep.
    /// </summary>
    public static SweepPoint[] Run(string objective, IReadOnlyList<(double Eta, double Eps)> grid, LyapunovSettings settings,
        IProgress<double>? progress)
    {
        string R(double v) => v.ToString("R", Inv);
        string own = "{steps: " + settings.Steps.ToString(Inv) + ", burn_in: " + settings.BurnIn.ToString(Inv) + ", orbits: " + settings.Orbits.ToString(Inv)
            + ", batches: " + settings.Batches.ToString(Inv) + ", spectrum: " + (settings.Spectrum ? "true" : "false") + ", divergence_bound: " + R(settings.DivergenceBound) + "}";
        string yaml = $"""
            name: {objective}-lyapunov-sweep
            seed: {settings.Seed.ToString(Inv)}
            seeds: fixed
            objective: {objective}
            eta: [{string.Join(", ", grid.Select(g => R(g.Eta)))}]
            eps: [{string.Join(", ", grid.Select(g => R(g.Eps)))}]
            zip: [eta, eps]
            analyses:
              - lyapunov: {own}
            """;
        var plan = SweepPlan.Expand(ExperimentFile.Parse(yaml, $"{objective}-lyapunov-sweep"));
        var outcomes = SweepRunner.RunInMemory(plan, settings.Threads, progress);
        return outcomes.Select((o, i) => new SweepPoint(grid[i].Eta, grid[i].Eps,
            (o.Result as LyapunovReport)?.Estimate ?? Diverged(settings))).ToArray();
    }

    private static LyapunovResult Diverged(LyapunovSettings s) => new()
    {
        Lambda = double.NaN,
        StdErr = double.NaN,
        NormAverage = double.NaN,
        NormAverageStdErr = double.NaN,
        PerOrbit = [],
        BatchMeansPerOrbit = [],
        Orbits = s.Orbits,
        DivergedOrbits = s.Orbits,
        StepsPerOrbit = s.Steps,
        BatchesPerOrbit = s.Batches,
        StateDimension = 1,
    };

    /// <summary>
    /// λ and its batch-means SE over the orbits on the chaotic attractor only: an orbit whose own finite-time λ is
    /// ≤ 0 was absorbed by a stable cycle or a shallow stable minimum — another attractor, to which the
    /// m + ln(η/ε) of Thm. 9 does not apply. Equal to the estimator's λ and SE when no orbit was absorbed; NaN (a
    /// failed check) when fewer than half the orbits are chaotic.
    /// </summary>
    public static (double Value, double Se) OnChaoticAttractor(LyapunovResult r)
    {
        var chaotic = Enumerable.Range(0, r.PerOrbit.Length).Where(i => r.PerOrbit[i] > 0).ToArray();
        if (2 * chaotic.Length < r.PerOrbit.Length) return (double.NaN, double.NaN);
        return BatchMeans.MeanAndStandardError(chaotic.SelectMany(i => r.BatchMeansPerOrbit[i]).ToArray());
    }

    /// <summary>Orbits of the sweep absorbed by another attractor (own λ ≤ 0), of all orbits.</summary>
    public static (int Absorbed, int Orbits) AbsorbedOrbits(IReadOnlyList<SweepPoint> pts) =>
        (pts.Sum(p => p.Result.PerOrbit.Count(l => !(l > 0))), pts.Sum(p => p.Result.PerOrbit.Length));

    /// <summary>max_i |value_i − ln(η_i/ε_i) − m| / tol_i ≤ 1 over the sweep, value = λ or eq. 4's norm average.</summary>
    public static Check AllWithin(string id, string what, IReadOnlyList<SweepPoint> pts, double m, Func<LyapunovResult, (double Value, double Se)> pick,
        string? note = null)
    {
        double worst = 0;
        foreach (var p in pts)
        {
            var (v, se) = pick(p.Result);
            double dev = Math.Abs(v - p.LogRatio - m) / p.Tolerance(se);
            worst = double.IsFinite(dev) ? Math.Max(worst, dev) : double.PositiveInfinity;
        }
        return Check.AtMost(id, $"{what}: max over the sweep of |value - ln(eta/eps) - m| / tol, tol = 4 SE + (eps + eta) + eps/eta", 1, worst, note);
    }

    /// <summary>The sweep's mean of value − ln(η/ε) (an estimate of m) against m, within 4 SE of that mean plus the mean O-term.</summary>
    public static (Check Check, double Mean, double Se) FittedM(string id, string what, IReadOnlyList<SweepPoint> pts, double m,
        Func<LyapunovResult, (double Value, double Se)> pick, string? note = null)
    {
        var devs = pts.Select(p => pick(p.Result).Value - p.LogRatio).ToArray();
        double mean = devs.Average();
        double se = Math.Sqrt(pts.Sum(p => Math.Pow(pick(p.Result).Se, 2))) / pts.Count;
        double oTerm = pts.Average(p => p.Eps + p.Eta + p.Eps / p.Eta);
        return (Check.Near(id, $"{what}: mean over the sweep of value - ln(eta/eps) (an estimate of m) against m", m, mean, 4 * se + oTerm, note), mean, se);
    }

    public static string Csv(string path, IReadOnlyList<SweepPoint> pts, double m)
    {
        bool spec = pts.Any(p => p.Result.Spectrum is not null);
        int n = pts.Max(p => p.Result.Spectrum?.Length ?? 0);
        string[] header = ["eta", "eps", "lambda", "lambda_stderr", "eq4_norm_average", "eq4_stderr", "theory_m_plus_ln_eta_over_eps",
            .. spec ? Enumerable.Range(1, n).SelectMany(k => new[] { $"lambda_{k}", $"lambda_{k}_stderr" }) : []];
        return CsvFile.WriteNumericRows(path, header, pts.Select(p =>
        {
            var row = new List<double> { p.Eta, p.Eps, p.Result.Lambda, p.Result.StdErr, p.Result.NormAverage, p.Result.NormAverageStdErr, m + p.LogRatio };
            if (spec)
                for (int k = 0; k < n; k++)
                {
                    row.Add(p.Result.Spectrum?[k] ?? double.NaN);
                    row.Add(p.Result.SpectrumStdErr?[k] ?? double.NaN);
                }
            return row;
        }));
    }

    public static string F(double v, string fmt = "G4") => v.ToString(fmt, Inv);
}
