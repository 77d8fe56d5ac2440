using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Numerics.Grids;
using static ChaosDescent.Reporting.Reproduction.Chaos.LyapunovSweeps;

namespace ChaosDescent.Reporting.Reproduction.Chaos;

/// <summary>Figs. 13–14 (D.3.1): λ against η and against ε for GD on (x² − 1)² + ε sin(x/ε) (k = 1), against m + ln(η/ε).</summary>
public sealed class Fig13To14Reproduction() : Reproduction("fig13-14", "Lyapunov exponent, periodic micro-scale (double well)", "Thm. 9, eq. 4; D.3.1, Figs. 13-14", order: 220)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        const string name = "doublewell-sin";
        int n = context.Quick ? 4 : 8;
        double eps0 = 1e-4, eta0 = 1e-2;
        var etas = Grid.LogSpace(3e-3, 5e-2, n);
        var epss = Grid.LogSpace(1e-6, 3e-4, n);
        var grid = etas.Select(e => (e, eps0)).Concat(epss.Select(e => (eta0, e))).ToArray();
        var settings = new LyapunovSettings
        {
            Steps = context.Quick ? 20_000 : 100_000,
            Orbits = context.Quick ? 4 : 8,
            Seed = context.Seed,
            Threads = context.Threads,
        };
        var pts = LyapunovSweeps.Run(name, grid, settings, context.Progress);
        double m = MConstant.Compute(ObjectiveCatalog.Create(name), MConstantOptions.Quick).M;
        var vsEta = pts[..n];
        var vsEps = pts[n..];
        Plot(context, res, "fig13", $"Fig. 13: lambda vs eta, {name} (k = 1), eps = {F(eps0)}", "eta", vsEta, p => p.Eta, m,
            "Dependence of the Lyapunov exponent (eq. 4) on eta at eps = 1e-4: measured (+-2 SE) and m + ln(eta/eps) with m = -ln 2.");
        Plot(context, res, "fig14", $"Fig. 14: lambda vs eps, {name} (k = 1), eta = {F(eta0)}", "eps", vsEps, p => p.Eps, m,
            "Dependence of the Lyapunov exponent on eps at eta = 1e-2.");
        var csv = Csv(Path.Combine(context.DataDirectory, "fig13-14-lyapunov.csv"), pts, m);
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        // The double well's shallow minima near |f0'| = 1 are stable for GD at the smallest eta/eps of the sweep, and
        // an orbit started in their basin stays there (λ < 0; 2 of 16 seeds absorb one of 4 orbits at eta = 30 eps):
        // λ of the chaotic attractor is taken over the orbits on it, and the absorbed ones are counted.
        var (absorbed, orbits) = AbsorbedOrbits(pts);
        string absorbedNote = $"{absorbed} of {orbits} orbits absorbed by a stable cycle or minimum (own lambda <= 0) and left out";
        res.Checks.Add(AllWithin("fig13-within", "lambda on the chaotic attractor vs eta (eps = 1e-4)", vsEta, m, OnChaoticAttractor, absorbedNote));
        res.Checks.Add(AllWithin("fig14-within", "lambda on the chaotic attractor vs eps (eta = 1e-2)", vsEps, m, OnChaoticAttractor, absorbedNote));
        var (fit, mean, se) = FittedM("fig13-14-m", "lambda on the chaotic attractor over both sweeps", pts, m, OnChaoticAttractor,
            "the paper reads m ~ -0.7 off Figs. 13-14");
        res.Checks.Add(fit);
        res.Checks.Add(Check.True("fig13-14-no-divergence", "no orbit diverged", pts.All(p => p.Result.DivergedOrbits == 0)));

        // a caveat the paper does not show: at eta = 10 eps orbits are often absorbed by stable cycles
        var probeMap = MapFactory.Create("gd", ObjectiveCatalog.Create(name, eps0), 10 * eps0);
        int starts = context.Quick ? 6 : 16, periodic = 0;
        for (int i = 0; i < starts; i++)
            if (AttractorProbe.Run(probeMap, [-1.4 + 2.8 * (i + 0.5) / starts], new AttractorSettings { MaxSteps = 20_000 }).Period > 0) periodic++;
        res.Notes.Add($"Measured over both sweeps (eta/eps from 30 to 1e4; {absorbedNote}): mean of lambda - ln(eta/eps) = {F(mean, "F5")} +- {F(se, "F5")} against m = -ln 2 = {F(m, "F5")}. " +
            "Tolerance per point: 4 SE + (eps + eta) + eps/eta (Thm. 9 is the limit eps -> 0 at fixed eta; corrections in eps/eta are what it neglects, and we measure them ~0.01 at eta/eps = 30).");
        res.Notes.Add($"Not in the paper: at eta = 10 eps, {periodic} of {starts} orbits (starts spread over [-1.4, 1.4]) end on a stable cycle or a shallow stable minimum (lambda < 0), " +
            "so the theory line does not apply there: the minima near |f0'| = 1 (the edge of Rmk. 12's support) are shallow enough to be stable for GD, and periodic windows exist. The sweeps therefore start at eta/eps = 30.");
        res.Data["m_measured"] = mean;
        res.Data["m_measured_stderr"] = se;
        res.Data["periodic_fraction_at_eta_10eps"] = (double)periodic / starts;
        return res;
    }

    internal static void Plot(ReproductionContext context, ReproductionResult res, string figName, string title, string parameter,
        SweepPoint[] pts, Func<SweepPoint, double> x, double m, string caption)
    {
        var xs = pts.Select(x).ToArray();
        ChaosPlots.LyapunovSweep(title, parameter, xs, pts.Select(p => p.Result.Lambda).ToArray(), pts.Select(p => p.Result.StdErr).ToArray(),
            pts.Select(p => m + p.LogRatio).ToArray(), $"m + ln(eta/eps), m = {F(m, "F4")}").Save(context.FigureDirectory, figName);
        res.Figures.Add(new FigureRef(figName, caption));
    }
}

/// <summary>Fig. 15 (D.3.2): λ for the quasi-periodic micro-scale ε sin(x/ε) + ε sin(√2x/ε) on x⁴/4, against m + ln(η/ε) with m = 0.</summary>
public sealed class Fig15Reproduction() : Reproduction("fig15", "Lyapunov exponent, quasi-periodic micro-scale", "Thm. 9; D.3.2, Fig. 15 (m = -0.0117 quoted)", order: 230)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        const string name = "quartic-quasiperiodic";
        int n = context.Quick ? 4 : 8;
        double eps0 = 1e-5, eta0 = 1e-2;
        var etas = Grid.LogSpace(1e-3, 1e-1, n);
        var epss = Grid.LogSpace(1e-7, 1e-4, n);
        var grid = etas.Select(e => (e, eps0)).Concat(epss.Select(e => (eta0, e))).ToArray();
        var settings = new LyapunovSettings
        {
            Steps = context.Quick ? 20_000 : 100_000,
            Orbits = context.Quick ? 4 : 8,
            Seed = context.Seed + 1,
            Threads = context.Threads,
        };
        var pts = LyapunovSweeps.Run(name, grid, settings, context.Progress);
        var mc = MConstant.Compute(ObjectiveCatalog.Create(name), MConstantOptions.Quick);
        double m = mc.M;
        Fig13To14Reproduction.Plot(context, res, "fig15-eta", $"Fig. 15: lambda vs eta, {name}, eps = {F(eps0)}", "eta", pts[..n], p => p.Eta, m,
            "Quasi-periodic micro-scale: lambda against eta at eps = 1e-5, with m + ln(eta/eps) for the computed m (= 0 exactly).");
        Fig13To14Reproduction.Plot(context, res, "fig15-eps", $"Fig. 15: lambda vs eps, {name}, eta = {F(eta0)}", "eps", pts[n..], p => p.Eps, m,
            "Quasi-periodic micro-scale: lambda against eps at eta = 1e-2.");
        var csv = Csv(Path.Combine(context.DataDirectory, "fig15-lyapunov.csv"), pts, m);
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        static (double, double) Lam(LyapunovResult r) => (r.Lambda, r.StdErr);
        res.Checks.Add(AllWithin("fig15-within", "lambda vs eta and eps (quasi-periodic)", pts, m, Lam));
        var (fit, mean, se) = FittedM("fig15-m", "lambda over both sweeps", pts, m, Lam);
        res.Checks.Add(fit);
        double z = Math.Abs(mean - (-0.0117)) / se;
        res.Checks.Add(Check.AtLeast("fig15-not-paper-m", "the measured m differs from the paper's -0.0117 by this many standard errors", 4, z,
            $"measured {F(mean, "F5")} +- {F(se, "F5")}; computed torus average {F(m, "G3")}"));
        res.Notes.Add($"Measured mean of lambda - ln(eta/eps) = {F(mean, "F5")} +- {F(se, "F5")} over {pts.Length} (eta, eps) points: it agrees with the torus average m = 0 " +
            "and excludes the paper's -0.0117 (a window average over [0, 100], see m-constant). The paper's statement 'the same as the experiment shows' could not resolve a difference of 0.0117 from its figure.");
        res.Data["m_measured"] = mean;
        res.Data["m_measured_stderr"] = se;
        return res;
    }
}

/// <summary>
/// Figs. 16–17 (D.3.3): Matyas f0 with ε sin(x/ε) + ε cos(y/ε). Thm. 9's m + ln(η/ε) (m = −0.2669, the 2-norm) is
/// what eq. 4 measures — the time average of ln‖∇φ‖₂ — and the paper plots that. The maximal Lyapunov exponent
/// (tangent growth) is smaller: ∇φ is nearly diagonal, so each coordinate grows at ln(η/ε) + m_k with m_k = −ln 2,
/// λ1 + λ2 = E ln|det ∇φ| = 2 ln(η/ε) − 2 ln 2 exactly to leading order, and the O(ηε) coupling splits the two
/// degenerate exponents by an amount that decays only like 1/|ln ε|.
/// </summary>
public sealed class Fig16To17Reproduction() : Reproduction("fig16-17", "Lyapunov exponents in 2-D (Matyas)", "Thm. 9, eq. 4; D.3.3, Figs. 16-17", order: 240)
{
    public override ReproductionResult Run(ReproductionContext context)
    {
        var res = new ReproductionResult();
        const string name = "matyas-sincos";
        int n = context.Quick ? 3 : 7;
        double eps0 = 1e-5, eta0 = 0.1;
        var etas = Grid.LogSpace(1e-3, 0.3, n);
        var epss = Grid.LogSpace(1e-7, 1e-3, n);
        var grid = etas.Select(e => (e, eps0)).Concat(epss.Select(e => (eta0, e))).ToArray();
        var settings = new LyapunovSettings
        {
            Steps = context.Quick ? 10_000 : 50_000,
            Orbits = context.Quick ? 4 : 8,
            Spectrum = true,
            Seed = context.Seed + 2,
            Threads = context.Threads,
        };
        var pts = LyapunovSweeps.Run(name, grid, settings, context.Progress);
        var mc = MConstant.Compute(ObjectiveCatalog.Create(name), MConstantOptions.Quick);
        double m = mc.M, mk = mc.PerCoordinate!.Max();
        foreach (var (fig, sub, param, x, title) in new[]
                 {
                     ("fig16", pts[..n], "eta", (Func<SweepPoint, double>)(p => p.Eta), $"Fig. 16: Matyas, eps = {F(eps0)}"),
                     ("fig17", pts[n..], "eps", p => p.Eps, $"Fig. 17: Matyas, eta = {F(eta0)}"),
                 })
        {
            var xs = sub.Select(x).ToArray();
            ChaosPlots.LyapunovSweep(title, param, xs,
                    sub.Select(p => p.Result.NormAverage).ToArray(), sub.Select(p => p.Result.NormAverageStdErr).ToArray(),
                    sub.Select(p => m + p.LogRatio).ToArray(), $"m + ln(eta/eps), m = {F(m, "F4")} (Thm. 9)",
                    sub.Select(p => p.Result.Lambda).ToArray(), "maximal exponent lambda_1 (tangent growth)",
                    sub.Select(p => mk + p.LogRatio).ToArray(), $"ln(eta/eps) + m_k, m_k = {F(mk, "F4")}",
                    "eq. 4: mean ln||grad phi||_2 (+-2 SE)")
                .Save(context.FigureDirectory, fig);
            res.Figures.Add(new FigureRef(fig, $"{title}: eq. 4's average of ln||grad phi||_2 (blue, what the paper plots) against m + ln(eta/eps); green: the maximal Lyapunov exponent, which follows ln(eta/eps) - ln 2 instead."));
        }
        var csv = Csv(Path.Combine(context.DataDirectory, "fig16-17-lyapunov.csv"), pts, m);
        res.DataFiles.Add(Path.GetRelativePath(context.OutputDirectory, csv));
        static (double, double) Eq4(LyapunovResult r) => (r.NormAverage, r.NormAverageStdErr);
        res.Checks.Add(AllWithin("fig16-17-eq4-within", "eq. 4 average of ln||grad phi||_2 (Thm. 9's quantity)", pts, m, Eq4));
        var (fit, mean, se) = FittedM("fig16-17-m", "eq. 4 over both sweeps", pts, m, Eq4, "the paper: m = -0.2669");
        res.Checks.Add(fit);
        // the spectrum's sum is E ln|det grad phi|: 2 ln(eta/eps) + m_1 + m_2 to leading order
        double sumM = mc.PerCoordinate!.Sum();
        static (double, double) Sum(LyapunovResult r) => (r.Spectrum![0] + r.Spectrum[1], Math.Sqrt(r.SpectrumStdErr![0] * r.SpectrumStdErr[0] + r.SpectrumStdErr[1] * r.SpectrumStdErr[1]));
        double worstSum = pts.Max(p =>
        {
            var (v, s) = Sum(p.Result);
            return Math.Abs(v - 2 * p.LogRatio - sumM) / (4 * s + 2 * (p.Eps + p.Eta + p.Eps / p.Eta));
        });
        res.Checks.Add(Check.AtMost("fig16-17-spectrum-sum", "lambda_1 + lambda_2 against 2 ln(eta/eps) + m_1 + m_2 (= E ln|det grad phi|): max |dev| / tol", 1, worstSum));
        // the maximal exponent lies between ln(eta/eps) + max m_k and eq. 4, and its excess over ln(eta/eps) + m_k shrinks as eps -> 0
        var excess = pts[n..].Select(p => p.Result.Lambda - p.LogRatio - mk).ToArray();
        res.Checks.Add(Check.AtMost("fig16-17-splitting-decays", "(lambda_1 - ln(eta/eps) - m_k) at eps = 1e-7 over the same at eps = 1e-3 (coupling-induced splitting decays as eps -> 0)",
            1, excess[0] / excess[^1], $"excess at eps = 1e-7 .. 1e-3: {string.Join(", ", excess.Select(v => F(v, "F4")))}"));
        res.Notes.Add($"eq. 4 (mean ln||grad phi||_2) - ln(eta/eps) averages {F(mean, "F5")} +- {F(se, "F5")}, matching m = {F(m, "F5")} (the paper's -0.2669). " +
            $"But the maximal Lyapunov exponent is not eq. 4's average in 2-D: lambda_1 - ln(eta/eps) ranges over {F(pts.Min(p => p.Result.Lambda - p.LogRatio), "F3")} .. {F(pts.Max(p => p.Result.Lambda - p.LogRatio), "F3")}, near m_k = -ln 2, not m. " +
            "grad phi = I - eta Hess f0 - (eta/eps) diag(-sin, -cos) is diagonal up to O(eta), so a tangent vector grows coordinate by coordinate at ln(eta/eps) + E ln|sin| = ln(eta/eps) - ln 2; eq. 4 bounds lambda_1 from above (||J_n...J_1|| <= product of ||J_i||). " +
            "Thm. 9 as stated (with ln||grad phi||) therefore estimates eq. 4's quantity, an upper bound of the exponent, in d >= 2.");
        res.Notes.Add("The two exponents are degenerate to leading order; the O(eta) coupling 0.48 eta between the coordinates splits them by an amount that shrinks only slowly as eps -> 0 (like 1/|ln eps|, the known anomalous scaling for perturbed degenerate Lyapunov exponents), while their sum stays at 2 ln(eta/eps) - 2 ln 2.");
        res.Data["m_eq4_measured"] = mean;
        res.Data["lambda1_minus_log_ratio"] = pts.Select(p => p.Result.Lambda - p.LogRatio).ToArray();
        return res;
    }
}
