using System.CommandLine;
using ChaosDescent.Analyses;
using ChaosDescent.Cli.Infrastructure;
using ChaosDescent.Reporting.Plots;
using ChaosDescent.Reporting.Reproduction;
using static ChaosDescent.Cli.Infrastructure.CommonOptions;

namespace ChaosDescent.Cli.Commands;

/// <summary>
/// <c>chaosdescent landscape</c>: look at a 1-D objective before running anything on it (Fig. 1): f and f0 over a range
/// with a zoom on the micro-scale, the local minima of f and of f0, and the O(ε)-height / O(1)-slope contrast of Remark 1.
/// </summary>
public sealed class LandscapeCommand : ICliCommand
{
    public int Order => 15;

    public Command Build()
    {
        var system = new SystemOptions(eta: false);
        var d = new LandscapeSettings();
        var xMin = new Option<double?>("--x-min") { Description = "left end of the plotted range (default: f0's typical range)" };
        var xMax = new Option<double?>("--x-max") { Description = "right end of the plotted range" };
        var points = new Option<int>("--points") { Description = "grid nodes (fine enough to resolve the micro-scale)", DefaultValueFactory = _ => d.Points };
        var zoom = new Option<double?>("--zoom") { Description = "centre of the zoom panel (default: the minimizer of f0 on the range)" };
        var zoomWidth = new Option<double?>("--zoom-width") { Description = "width of the zoom panel (default 20 eps)" };
        var run = new RunOptions("out/landscape", seed: false, threads: false);
        var cmd = new Command("landscape", "plot a 1-D objective f = f0 + f1,eps with a zoom on the micro-scale; count its local minima (Fig. 1)");
        system.AddTo(cmd);
        foreach (var o in new Option[] { xMin, xMax, points, zoom, zoomWidth }) cmd.Options.Add(o);
        run.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var sys = system.Bind(r);
            var f = sys.RequireMultiscale("landscape");
            string dir = run.OutDir(r);
            var rep = LandscapeAnalysis.Run(sys, new LandscapeSettings { XMin = r.GetValue(xMin), XMax = r.GetValue(xMax), Points = r.GetValue(points) });
            var p = rep.Profile!;
            int n = rep.Points;
            double lo = rep.XMin, hi = rep.XMax;
            int argmin = Array.IndexOf(p.F0, p.F0.Min());
            double zc = r.GetValue(zoom) ?? p.X[argmin];
            double zw = r.GetValue(zoomWidth) ?? 20 * f.Epsilon;
            if (!(zw > 0)) throw new UserInputException("--zoom-width must be positive");
            var fig = new PanelFigure(1, 2) { CellWidth = 620, CellHeight = 430 };
            var a = fig.Panel(0, 0, $"f = f0 + f1,eps (eps = {F(f.Epsilon)}) and f0", "x", "f(x)");
            int stride = Math.Max(1, n / 10000);
            var xs = p.X.Where((_, i) => i % stride == 0).ToArray();
            a.Line(xs, p.F.Where((_, i) => i % stride == 0).ToArray(), "f", PlotFigure.ColorAt(0), width: 1);
            a.Line(xs, p.F0.Where((_, i) => i % stride == 0).ToArray(), "f0 = " + f.Macro.Formula, PlotFigure.ColorAt(1), dashed: true, width: 2);
            var b = fig.Panel(0, 1, "zoom: the micro-scale", "x", "f(x)");
            var zx = Enumerable.Range(0, 4001).Select(i => zc - zw / 2 + zw * i / 4000.0).ToArray();
            b.Line(zx, zx.Select(v => f.Value([v])).ToArray(), "f", PlotFigure.ColorAt(0), width: 1.5f);
            b.Line(zx, zx.Select(v => f.Macro.Value([v])).ToArray(), "f0", PlotFigure.ColorAt(1), dashed: true);
            string name = $"{f.Name}-landscape";
            var figure = fig.Save(dir, name);
            var csv = Path.Combine(dir, name + ".csv");
            CsvFile.Write(csv, ["x", "f", "f0", "grad_f0", "grad_f1"], xs, p.F.Where((_, i) => i % stride == 0).ToArray(),
                p.F0.Where((_, i) => i % stride == 0).ToArray(), p.GradF0.Where((_, i) => i % stride == 0).ToArray(),
                p.GradF1.Where((_, i) => i % stride == 0).ToArray());
            if (run.AsJson(r))
            {
                Render.Json(stdout, rep, ("figure", figure), ("csv", csv));
                return 0;
            }
            stdout.WriteLine($"{f.Name}: f = {f.Formula}   eps = {F(f.Epsilon)}   on [{F(lo)}, {F(hi)}] with {n:N0} nodes");
            stdout.WriteLine($"  local minima: f has {p.MinimaF.Count}, f0 has {p.MinimaF0.Count} (at {string.Join(", ", p.MinimaF0.Select(m => F(m, "G4")))})");
            stdout.WriteLine($"  micro-scale: height max|f - f0| = {F(p.MaxMicroHeight, "G3")}, slope max|grad f1| = {F(p.MaxGradF1, "G3")}; max|f0'| = {F(p.MaxGradF0, "G3")}");
            if (p.ZetaBound is { } zb)
                stdout.WriteLine($"  every local minimum of f lies where |f0'| <= sup|zeta| = {F(zb, "G4")}: {(p.MinimaWhereGradientsBalance == true ? "yes" : "no")}");
            stdout.WriteLine($"figure: {figure}");
            stdout.WriteLine($"csv: {csv}");
            return 0;
        });
        return cmd;
    }
}
