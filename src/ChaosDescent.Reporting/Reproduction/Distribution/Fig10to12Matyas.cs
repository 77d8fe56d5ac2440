using ChaosDescent.Analyses;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Runners;
using MathNet.Numerics.LinearAlgebra;
using ChaosDescent.Analyses.Distributions;
using ChaosDescent.Statistics;
using ChaosDescent.Numerics.Grids;
using static ChaosDescent.Reporting.Reproduction.Distribution.DistributionTools;

namespace ChaosDescent.Reporting.Reproduction.Distribution;

/// <summary>
/// Figs. 10–12 (App. D.2): Matyas in 2-D, f0 = 0.26(x² + y²) + 0.48xy, f1,ε = ε sin(x/ε) + ε cos(y/ε), ε = 10⁻⁷,
/// η = 0.01. Fig. 10: GD and the stochastic map φ̂ evolve an ensemble to the same law (Thm. 4). Fig. 11: that law is
/// the rescaled Gibbs law, shown after rescaling both axes by √η. Fig. 12: one orbit's histogram is the same
/// (ergodicity in 2-D).
/// f0 is quadratic with Hessian H (eigenvalues 1 and 0.04), so everything has a closed form to check against: Gibbs is
/// Gaussian with covariance (ησ²/2)H⁻¹, and φ̂ is a linear AR(1) map whose exact stationary covariance is
/// ησ²/(λ(2 − ηλ)) along each eigenvector λ of H (an O(η) relative correction to Gibbs), and whose autocorrelation
/// along that eigenvector is (1 − ηλ)^k, which gives the orbit's effective sample size.
/// </summary>
public sealed class Fig10to12Matyas() : Reproduction("fig10-12", "Matyas in 2-D: GD vs stochastic map vs rescaled Gibbs", "App. D.2, Figs. 10, 11, 12; Thms. 4, 7", order: 140)
{
    private const double Eta = 0.01, Eps = 1e-7;

    public override ReproductionResult Run(ReproductionContext context)
    {
        var r = new ReproductionResult();
        bool quick = context.Quick;
        var objective = ObjectiveCatalog.Create("matyas-sincos", Eps);
        double sigma2 = RescaledGibbs.SigmaSquared(objective);
        var gibbs = RescaledGibbs.For(objective, Eta, sigma2);
        var gx = gibbs.Marginal(0);
        var gy = gibbs.Marginal(1);
        double allowance = 0.5 * Eta * Eta;

        // Closed forms from H = ∇²f0 (constant).
        var hArr = new double[4];
        objective.Macro.Hessian([0.0, 0.0], hArr);
        var H = Matrix<double>.Build.DenseOfRowMajor(2, 2, hArr);
        var evd = H.Evd(Symmetricity.Symmetric);
        var lambda = evd.EigenValues.Select(c => c.Real).ToArray();
        var vecs = evd.EigenVectors;
        var gibbsCov = H.Inverse() * (Eta * sigma2 / 2);
        var smEig = lambda.Select(l => Eta * sigma2 / (l * (2 - Eta * l))).ToArray();
        var smCov = vecs * Matrix<double>.Build.DiagonalOfDiagonalArray(smEig) * vecs.Transpose();
        // Autocorrelation time of coordinate k under φ̂: Σ_i v_ik² c_i (1+ρ_i)/(1−ρ_i) / Σ_i v_ik² c_i, ρ_i = 1 − ηλ_i.
        double Tau(int k)
        {
            double num = 0, den = 0;
            for (int i = 0; i < 2; i++)
            {
                double w = vecs[k, i] * vecs[k, i] * smEig[i], rho = 1 - Eta * lambda[i];
                num += w * (1 + rho) / (1 - rho);
                den += w;
            }
            return num / den;
        }
        double tauX = Tau(0), tauY = Tau(1);
        double tauSlow = (2 - Eta * lambda.Min()) / (Eta * lambda.Min());
        // Stiff (u) and soft (v) directions.
        int iu = lambda[0] > lambda[1] ? 0 : 1, iv = 1 - iu;
        double[] eu = [vecs[0, iu], vecs[1, iu]], ev = [vecs[0, iv], vecs[1, iv]];

        // ---- ensembles ---------------------------------------------------------------------------------------------
        int nGd = quick ? 20_000 : 200_000;
        int nSm = quick ? 10_000 : 100_000;
        int steps = 10_000;
        int[] snaps = [0, 100, 1000, 3000, steps];
        var initial = InitialCondition.Uniform(-1, 1);
        var ensGd = EnsembleRunner.Run(new GradientDescentMap(objective, Eta), new EnsembleSettings
        {
            Particles = nGd,
            Steps = steps,
            SnapshotSteps = snaps,
            Seed = SeedFor(context.Seed, "matyas.gd"),
            Threads = context.Threads,
            Initial = initial,
        }, Slice(context.Progress, 0, 0.45));
        var ensSm = EnsembleRunner.Run(new StochasticMap(objective, Eta), new EnsembleSettings
        {
            Particles = nSm,
            Steps = steps,
            SnapshotSteps = snaps,
            Seed = SeedFor(context.Seed, "matyas.sm"),
            Threads = context.Threads,
            Initial = initial,
        }, Slice(context.Progress, 0.45, 0.75));

        // Binning: ±4.5 Gibbs standard deviations per axis, 40 × 40 cells.
        double sx = Math.Sqrt(gx.Variance), sy = Math.Sqrt(gy.Variance);
        const int bins2 = 40, bins1 = 80;
        var gdX = ensGd.Final.Coordinate(0);
        var gdY = ensGd.Final.Coordinate(1);
        var smX = ensSm.Final.Coordinate(0);
        var smY = ensSm.Final.Coordinate(1);
        Histogram2D Hist2(double[] xs, double[] ys)
        {
            var h = new Histogram2D(-4.5 * sx, 4.5 * sx, bins2, -4.5 * sy, 4.5 * sy, bins2);
            for (int i = 0; i < xs.Length; i++) h.Add(xs[i], ys[i]);
            return h;
        }
        var h2Gd = Hist2(gdX, gdY);
        var h2Sm = Hist2(smX, smY);
        var cells = gibbs.CellMasses(h2Gd);

        double ksGx = Distances.KolmogorovSmirnov(gdX, gx.Cdf), ksGy = Distances.KolmogorovSmirnov(gdY, gy.Cdf);
        double w1Gx = Distances.Wasserstein1(gdX, gx), w1Gy = Distances.Wasserstein1(gdY, gy);
        double tv2Gd = Distances.TotalVariation(h2Gd, cells);
        double tv2Noise = TvNoise2D(cells, gdX.Length);
        double ksCrit = Distances.KolmogorovSmirnovCritical(gdX.Length);
        r.Checks.Add(Check.AtMost("fig10-12.ensemble.diverged", Inv($"no particle diverged (GD {nGd:N0} and stochastic map {nSm:N0} particles, {steps:N0} steps)"), 0,
            ensGd.Divergence.Count + ensSm.Divergence.Count));
        r.Checks.Add(Check.AtMost("fig10-12.ensemble.ks_x", Inv($"KS(GD ensemble x-marginal at step {steps:N0}, Gibbs x-marginal)"), ksCrit + allowance, ksGx,
            Inv($"KS noise at α = 0.001 for n = {gdX.Length:N0}: {Fmt(ksCrit)}, plus 0.5η² = {Fmt(allowance)}")));
        r.Checks.Add(Check.AtMost("fig10-12.ensemble.ks_y", "KS(GD ensemble y-marginal, Gibbs y-marginal)", ksCrit + allowance, ksGy));
        r.Checks.Add(Check.AtMost("fig10-12.ensemble.w1_x", "W1(GD ensemble x-marginal, Gibbs)", 3 * W1NoiseBound(gx, gdX.Length) + Eta * Eta * sx, w1Gx,
            "3·∫√(F(1−F)/n) plus η²·sd"));
        r.Checks.Add(Check.AtMost("fig10-12.ensemble.tv_2d", Inv($"TV over {bins2}×{bins2} cells (GD ensemble, rescaled Gibbs), Fig. 11"), 2 * tv2Noise + allowance, tv2Gd,
            Inv($"expected TV noise of {bins2 * bins2} cells at n = {gdX.Length:N0}: {Fmt(tv2Noise)}")));

        // Variances along the stiff (u) and soft (v) eigenvectors vs Gibbs; the known O(η) offset of φ̂ is allowed.
        double VarAlong(double[] xs, double[] ys, double[] e)
        {
            var m = new RunningMoments();
            for (int i = 0; i < xs.Length; i++) m.Add(e[0] * xs[i] + e[1] * ys[i]);
            return m.Variance;
        }
        double vuGd = VarAlong(gdX, gdY, eu), vvGd = VarAlong(gdX, gdY, ev);
        double vuG = Eta * sigma2 / (2 * lambda[iu]), vvG = Eta * sigma2 / (2 * lambda[iv]);
        double se = Math.Sqrt(2.0 / gdX.Length);
        r.Checks.Add(Check.Near("fig10-12.ensemble.var_stiff", Inv($"variance along the stiff eigenvector (λ = {Fmt(lambda[iu])}) vs Gibbs ησ²/(2λ)"), vuG, vuGd,
            4 * se * vuG + Math.Abs(smEig[iu] - vuG),
            Inv($"4 standard errors plus the exact O(η) offset of φ̂: ησ²/(λ(2 − ηλ)) = {Fmt(smEig[iu])}")));
        r.Checks.Add(Check.Near("fig10-12.ensemble.var_soft", Inv($"variance along the soft eigenvector (λ = {Fmt(lambda[iv])}) vs Gibbs ησ²/(2λ)"), vvG, vvGd,
            4 * se * vvG + Math.Abs(smEig[iv] - vvG)));
        double corrGd = Correlation(gdX, gdY), corrG = gibbsCov[0, 1] / Math.Sqrt(gibbsCov[0, 0] * gibbsCov[1, 1]);
        r.Checks.Add(Check.Near("fig10-12.ensemble.correlation", "correlation of x and y vs Gibbs −0.48/0.52", corrG, corrGd,
            4 * (1 - corrG * corrG) / Math.Sqrt(gdX.Length) + Math.Abs(smCov[0, 1] / Math.Sqrt(smCov[0, 0] * smCov[1, 1]) - corrG),
            "4 standard errors (1 − ρ²)/√n plus the O(η) offset of φ̂"));

        // Thm. 4: GD against the stochastic map.
        double ks2x = Distances.KolmogorovSmirnov(gdX, smX), ks2y = Distances.KolmogorovSmirnov(gdY, smY);
        double ks2Crit = Distances.KolmogorovSmirnovCritical(gdX.Length, smX.Length);
        double tv2Pair = Distances.TotalVariation(h2Gd, h2Sm);
        double nPair = (double)gdX.Length * smX.Length / (gdX.Length + smX.Length);
        double tv2PairNoise = TvNoise2D(cells, nPair);
        r.Checks.Add(Check.AtMost("fig10-12.thm4.ks_x", "two-sample KS(GD, stochastic map), x-marginal (Fig. 10)", ks2Crit, ks2x,
            Inv($"two-sample KS critical value at α = 0.001 for n = {gdX.Length:N0}, m = {smX.Length:N0}")));
        r.Checks.Add(Check.AtMost("fig10-12.thm4.ks_y", "two-sample KS(GD, stochastic map), y-marginal", ks2Crit, ks2y));
        r.Checks.Add(Check.AtMost("fig10-12.thm4.tv_2d", Inv($"TV over {bins2}×{bins2} cells between GD and the stochastic map"), 2 * tv2PairNoise, tv2Pair,
            Inv($"expected TV noise for two samples (n·m/(n+m) = {nPair:N0}): {Fmt(tv2PairNoise)}")));
        context.Progress?.Report(0.78);

        // ---- one orbit (Fig. 12) -------------------------------------------------------------------------------------
        long orbitSteps = quick ? 5_000_000 : 40_000_000;
        double[] start = [0.3, -0.2];
        var orbit = OrbitRunner.Run(new GradientDescentMap(objective, Eta), new OrbitSettings
        {
            Start = start,
            Steps = orbitSteps,
            BurnIn = 20 * (long)tauSlow,
            Ranges = [(-4.5 * sx, 4.5 * sx), (-4.5 * sy, 4.5 * sy)],
            Bins = bins1,
            Bins2D = bins2,
            TraceLength = 3000,
            Seed = SeedFor(context.Seed, "matyas.orbit"),
        }, Slice(context.Progress, 0.78, 0.97));
        r.Checks.Add(Check.True("fig10-12.orbit.finite", Inv($"the orbit from ({start[0]}, {start[1]}) stays finite for {orbitSteps:N0} steps"), orbit.DivergedAtStep is null));
        long collected = orbit.StepsTaken - 20 * (long)tauSlow;
        double nEffX = collected / tauX, nEffY = collected / tauY, nEffSlow = collected / tauSlow;
        var dOx = Distances.FromHistogram(orbit.Histograms[0], gx);
        var dOy = Distances.FromHistogram(orbit.Histograms[1], gy);
        var oh2 = orbit.Histogram2D!;
        double tv2Orbit = Distances.TotalVariation(oh2, gibbs.CellMasses(oh2));
        string tauNote = Inv($"effective sample size n/τ with τ = {Fmt(tauX)} (x), {Fmt(tauY)} (y), {Fmt(tauSlow)} (soft direction): the exact autocorrelation times of φ̂, (1 + ρ)/(1 − ρ) with ρ = 1 − ηλ");
        r.Checks.Add(Check.AtMost("fig10-12.orbit.ks_x", Inv($"KS(x-marginal of one orbit over {orbitSteps:N0} steps, Gibbs), Fig. 12"),
            Distances.KolmogorovSmirnovCritical((long)nEffX) + allowance, dOx.KolmogorovSmirnov, tauNote));
        r.Checks.Add(Check.AtMost("fig10-12.orbit.ks_y", "KS(y-marginal of the orbit, Gibbs)", Distances.KolmogorovSmirnovCritical((long)nEffY) + allowance, dOy.KolmogorovSmirnov));
        double tv2OrbitNoise = TvNoise2D(gibbs.CellMasses(oh2), nEffSlow);
        r.Checks.Add(Check.AtMost("fig10-12.orbit.tv_2d", Inv($"TV over {bins2}×{bins2} cells (orbit, rescaled Gibbs)"), 2 * tv2OrbitNoise + allowance, tv2Orbit,
            Inv($"noise floor at n/τ_soft = {nEffSlow:N0}: {Fmt(tv2OrbitNoise)}")));
        // The orbit against the GD ensemble (Fig. 12 vs Fig. 10(b)), from histograms of the same binning.
        var hEnsX = Histogram1D.Of(gdX, -4.5 * sx, 4.5 * sx, bins1);
        double ksOrbitEns = Distances.BetweenHistograms(orbit.Histograms[0], hEnsX).KolmogorovSmirnov;
        double ksOrbitEnsCrit = Distances.KolmogorovSmirnovCritical((long)nEffX, gdX.Length);
        r.Checks.Add(Check.AtMost("fig10-12.orbit.vs_ensemble", "KS between the orbit's and the GD ensemble's x-marginals (same binning)", ksOrbitEnsCrit + 1.0 / bins1, ksOrbitEns,
            "two-sample critical value at n/τ and N, plus one bin's worth for comparing binned CDFs"));

        // ---- figures -----------------------------------------------------------------------------------------------
        double sq = Math.Sqrt(Eta);
        double xr = 4.5 * sx / sq, yr = 4.5 * sy / sq; // rescaled half-widths
        var gridX = Grid.Linspace(-xr, xr, 121);
        var gridY = Grid.Linspace(-yr, yr, 121);
        var gz = new double[gridY.Length, gridX.Length];
        for (int i = 0; i < gridY.Length; i++)
            for (int j = 0; j < gridX.Length; j++)
                gz[i, j] = gibbs.Density([gridX[j] * sq, gridY[i] * sq]) * Eta;
        string axX = "x/√η", axY = "y/√η";

        // Fig. 10: GD vs stochastic map.
        var f10 = new PanelFigure(2, 2) { CellWidth = 600, CellHeight = 470 };
        f10.Panel(0, 0, Inv($"GD ensemble, step {steps:N0}"), axX, axY).Heatmap(HeatmapDensity(h2Gd, 1 / sq), -xr, xr, -yr, yr, "density");
        f10.Panel(0, 1, Inv($"stochastic map φ̂, step {steps:N0}"), axX, axY).Heatmap(HeatmapDensity(h2Sm, 1 / sq), -xr, xr, -yr, yr, "density");
        for (int k = 0; k < 2; k++)
        {
            var panel = f10.Panel(1, k, (k == 0 ? "x" : "y") + "-marginal over time: GD (solid), φ̂ (dashed)", k == 0 ? "x" : "y", "density");
            double lim = 1.05;
            int c = 0;
            foreach (var s in snaps.Skip(1))
            {
                var a = Histogram1D.Of(ensGd.At(s).Coordinate(k), -lim, lim, 84);
                var b = Histogram1D.Of(ensSm.At(s).Coordinate(k), -lim, lim, 84);
                var (ea, da) = Steps(a);
                var (eb, db) = Steps(b);
                panel.Line(a.Centers(), da, Inv($"step {s:N0}"), PlotFigure.ColorAt(c), width: 2);
                panel.Line(b.Centers(), db, null, PlotFigure.ColorAt(c), dashed: true, width: 1.5f);
                c++;
            }
            panel.LegendAt(ScottPlot.Alignment.UpperLeft);
        }
        r.AddFigure(context, f10, "fig10_matyas_gd_vs_stochastic",
            Inv($"Fig. 10. Matyas with ε = {Eps:0e0}, η = {Eta}: ensembles of {nGd:N0} (GD) and {nSm:N0} (stochastic map) particles started uniform on [−1, 1]². (a, b) 2-D histograms at step {steps:N0} in √η-rescaled coordinates; (c, d) marginals at steps {string.Join(", ", snaps.Skip(1).Select(s => s.ToString("N0")))}: GD (solid) and φ̂ (dashed) agree at every time (Thm. 4). Two-sample KS at the end: {Fmt(ks2x)} (x), {Fmt(ks2y)} (y); critical value {Fmt(ks2Crit)}."));

        // Fig. 11: GD vs rescaled Gibbs, rescaled by √η.
        var f11 = new PanelFigure(2, 2) { CellWidth = 600, CellHeight = 470 };
        f11.Panel(0, 0, "GD ensemble; white: Gibbs contours", axX, axY)
            .Heatmap(HeatmapDensity(h2Gd, 1 / sq), -xr, xr, -yr, yr, "density").Contours(gridX, gridY, gz, 6, ScottPlot.Colors.White);
        f11.Panel(0, 1, "rescaled Gibbs exp(−2f0/(ησ²))/Z", axX, axY).Heatmap(gz, -xr, xr, -yr, yr, "density");
        for (int k = 0; k < 2; k++)
        {
            var g = gibbs.Marginal(k);
            var panel = f11.Panel(1, k, (k == 0 ? "x" : "y") + "-marginal vs Gibbs", k == 0 ? axX : axY, "density");
            var h = Histogram1D.Of(k == 0 ? gdX : gdY, -4.5 * (k == 0 ? sx : sy), 4.5 * (k == 0 ? sx : sy), bins1);
            var (e, d) = Steps(h, 1 / sq);
            panel.Bars(e, d, Inv($"GD ensemble, N = {gdX.Length:N0}"), PlotFigure.ColorAt(0));
            var cv = Curve(g, h.Lo, h.Hi, 400, 1 / sq);
            panel.Line(cv.X, cv.Y, "rescaled Gibbs marginal", PlotFigure.ColorAt(1), width: 2.5f);
            panel.LegendAt(ScottPlot.Alignment.UpperLeft);
        }
        r.AddFigure(context, f11, "fig11_matyas_gibbs",
            Inv($"Fig. 11. The GD ensemble at step {steps:N0} against the rescaled Gibbs law (σ² = {Fmt(sigma2)}), both axes rescaled by √η as in the paper. TV over {bins2}×{bins2} cells: {Fmt(tv2Gd)} (noise floor {Fmt(tv2Noise)}); KS of the marginals: {Fmt(ksGx)}, {Fmt(ksGy)}."));

        // Fig. 12: one orbit.
        var f12 = new PanelFigure(2, 2) { CellWidth = 600, CellHeight = 470 };
        f12.Panel(0, 0, Inv($"one orbit, {orbitSteps:0.#e0} steps; white: Gibbs contours"), axX, axY)
            .Heatmap(HeatmapDensity(oh2, 1 / sq), -xr, xr, -yr, yr, "density").Contours(gridX, gridY, gz, 6, ScottPlot.Colors.White);
        var path = f12.Panel(0, 1, Inv($"the first {orbit.Trace.Length:N0} iterates"), axX, axY);
        path.Line(orbit.Trace.Select(t => t[0] / sq).ToArray(), orbit.Trace.Select(t => t[1] / sq).ToArray(), null, PlotFigure.ColorAt(0), width: 0.6f);
        path.Points([start[0] / sq], [start[1] / sq], "x0", PlotFigure.ColorAt(1), 9);
        path.Contours(gridX, gridY, gz, 4, PlotFigure.ColorAt(3), "rescaled Gibbs");
        path.Limits(-xr, xr, -yr, yr);
        for (int k = 0; k < 2; k++)
        {
            var g = gibbs.Marginal(k);
            var panel = f12.Panel(1, k, (k == 0 ? "x" : "y") + "-marginal: orbit, ensemble, Gibbs", k == 0 ? axX : axY, "density");
            var (e, d) = Steps(orbit.Histograms[k], 1 / sq);
            panel.Bars(e, d, "one orbit", PlotFigure.ColorAt(0));
            var hE = Histogram1D.Of(k == 0 ? gdX : gdY, orbit.Histograms[k].Lo, orbit.Histograms[k].Hi, bins1);
            var (ee, de) = Steps(hE, 1 / sq);
            panel.Steps(ee, de, "GD ensemble (Fig. 10)", PlotFigure.ColorAt(2), 1.5f);
            var cv = Curve(g, hE.Lo, hE.Hi, 400, 1 / sq);
            panel.Line(cv.X, cv.Y, "rescaled Gibbs", PlotFigure.ColorAt(1), width: 2.5f);
            panel.LegendAt(ScottPlot.Alignment.UpperLeft);
        }
        r.AddFigure(context, f12, "fig12_matyas_orbit",
            Inv($"Fig. 12. Histogram of one GD orbit from ({start[0]}, {start[1]}) after a burn-in of {20 * (long)tauSlow:N0} steps: the same law as the ensemble of Fig. 10 and rescaled Gibbs. Its soft direction decorrelates slowly (τ = {Fmt(tauSlow)} steps), so {orbitSteps:N0} steps carry about {nEffSlow:N0} independent samples; TV over {bins2}×{bins2} cells {Fmt(tv2Orbit)}, KS of the marginals {Fmt(dOx.KolmogorovSmirnov)}, {Fmt(dOy.KolmogorovSmirnov)}."));

        // Data.
        r.AddCsv(context, "fig10-12_ensemble_marginals", ["x", "density_x_gd", "density_x_stochastic", "density_x_gibbs", "y", "density_y_gd", "density_y_stochastic", "density_y_gibbs"],
            hEnsX.Centers(), hEnsX.Density(), Histogram1D.Of(smX, hEnsX.Lo, hEnsX.Hi, bins1).Density(), hEnsX.Centers().Select(gx.Density).ToArray(),
            Histogram1D.Of(gdY, -4.5 * sy, 4.5 * sy, bins1).Centers(), Histogram1D.Of(gdY, -4.5 * sy, 4.5 * sy, bins1).Density(),
            Histogram1D.Of(smY, -4.5 * sy, 4.5 * sy, bins1).Density(), Histogram1D.Of(gdY, -4.5 * sy, 4.5 * sy, bins1).Centers().Select(gy.Density).ToArray());
        var cellRows = new List<IReadOnlyList<object?>>();
        for (int i = 0; i < bins2; i++)
            for (int j = 0; j < bins2; j++)
                cellRows.Add([h2Gd.XLo + (i + 0.5) * h2Gd.WidthX, h2Gd.YLo + (j + 0.5) * h2Gd.WidthY,
                    h2Gd[i, j] / (double)h2Gd.Total, h2Sm[i, j] / (double)h2Sm.Total, oh2[i, j] / (double)oh2.Total, cells[i, j]]);
        r.AddCsvRows(context, "fig10-12_cells", ["x", "y", "p_gd_ensemble", "p_stochastic_ensemble", "p_orbit", "p_gibbs"], cellRows);

        r.Notes.Add(Inv($"H = ∇²f0 has eigenvalues {Fmt(lambda[iu])} (stiff, along ({Fmt(eu[0])}, {Fmt(eu[1])})) and {Fmt(lambda[iv])} (soft). σ² = {Fmt(sigma2)} from ζ = (−cos U1, sin U2). Rescaled Gibbs is Gaussian with covariance (ησ²/2)H⁻¹: variances {Fmt(vuG)} (stiff) and {Fmt(vvG)} (soft); measured on the GD ensemble {Fmt(vuGd)} and {Fmt(vvGd)}. The stochastic map's exact stationary variances ησ²/(λ(2 − ηλ)) are {Fmt(smEig[iu])} and {Fmt(smEig[iv])}: rescaled Gibbs is off by the factor 1/(1 − ηλ/2), i.e. {Fmt(100 * (smEig[iu] / vuG - 1))} % along the stiff direction."));
        r.Notes.Add(Inv($"The soft direction relaxes at rate ηλ = {Fmt(Eta * lambda[iv])} per step, so the ensemble needs several thousand steps to forget its start (the uniform box [−1, 1]²); at step {steps:N0} the initial excess variance has decayed by e^(−2ηλ·n) = {Fmt(Math.Exp(-2 * Eta * lambda[iv] * steps))}."));
        r.Notes.Add(Inv($"ε = {Eps:0e0} puts the phases x/ε near 10⁷: the SIMD sine/cosine of the library (docs/accuracy.md) is accurate there. The GD ensemble ran at {Fmt(ensGd.ParticleSteps / Math.Max(1e-9, ensGd.Seconds) / 1e6)} M particle-steps/s (2-D), the orbit at {Fmt(orbit.StepsTaken / Math.Max(1e-9, orbit.Seconds) / 1e6)} M steps/s."));

        r.Data["eta"] = Eta;
        r.Data["epsilon"] = Eps;
        r.Data["sigma2"] = sigma2;
        r.Data["hessian_eigenvalues"] = lambda;
        r.Data["gibbs_var_stiff"] = vuG;
        r.Data["gibbs_var_soft"] = vvG;
        r.Data["gd_var_stiff"] = vuGd;
        r.Data["gd_var_soft"] = vvGd;
        r.Data["stochastic_exact_var"] = smEig;
        r.Data["ensemble_tv_2d"] = tv2Gd;
        r.Data["ensemble_ks"] = new[] { ksGx, ksGy };
        r.Data["gd_vs_stochastic_ks"] = new[] { ks2x, ks2y };
        r.Data["gd_vs_stochastic_tv_2d"] = tv2Pair;
        r.Data["orbit_steps"] = orbitSteps;
        r.Data["orbit_tv_2d"] = tv2Orbit;
        r.Data["orbit_ks"] = new[] { dOx.KolmogorovSmirnov, dOy.KolmogorovSmirnov };
        r.Data["tau"] = new[] { tauX, tauY, tauSlow };
        context.Progress?.Report(1);
        return r;
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
