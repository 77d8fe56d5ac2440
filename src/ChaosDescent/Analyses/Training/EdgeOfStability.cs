using System.Text.Json.Serialization;
using ChaosDescent.Data;
using ChaosDescent.Learning;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;

namespace ChaosDescent.Analyses.Training;

/// <summary>Settings of <see cref="EdgeOfStability"/> (CLI <c>chaosdescent eos</c>); the data set is part of them and
/// the system's objective is not used.</summary>
public sealed record EdgeOfStabilitySettings
{
    /// <summary><c>data</c> (default "airfoil"): the built-in Airfoil data, "synthetic" (a seeded smooth regression task,
    /// <see cref="EdgeOfStability.SyntheticData"/>) or a CSV file with a header row.</summary>
    public string Data { get; init; } = "airfoil";

    /// <summary><c>target</c> (default null: the last column): target column of a CSV file.</summary>
    public string? Target { get; init; }

    /// <summary><c>samples</c> (default 256): samples of the synthetic task (ignored otherwise).</summary>
    public int Samples { get; init; } = 256;

    /// <summary><c>hidden</c> (default "16"): hidden widths, e.g. 16 or 32,32.</summary>
    public string Hidden { get; init; } = "16";

    /// <summary><c>activation</c> (default "tanh", the smooth activation of Cohen et al. 2021's fully connected networks).</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary><c>activation_param</c> (default null: Leaky-ReLU slope 0.01, sine frequency ω0 = 30).</summary>
    public double? ActivationParam { get; init; }

    /// <summary><c>preprocess</c> (default "standardize").</summary>
    public string Preprocess { get; init; } = "standardize";

    /// <summary><c>lr</c> (default 0.1): the constant step η of full-batch GD; the edge of stability is λ_max = 2/η.</summary>
    public double Lr { get; init; } = 0.1;

    /// <summary><c>steps</c> (default 3000): GD steps.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary><c>neigs</c> (default 2): top Hessian eigenvalues per measurement (Cohen et al.'s <c>--neigs</c>).</summary>
    public int Neigs { get; init; } = 2;

    /// <summary><c>eig_freq</c> (default 20): steps between eigenvalue measurements (Cohen et al.'s <c>--eig_freq</c>).</summary>
    public int EigFreq { get; init; } = 20;

    /// <summary><c>layer_sharpness</c> (default true): also the top eigenvalue of each layer's diagonal Hessian block.</summary>
    public bool LayerSharpness { get; init; } = true;

    /// <summary><c>gradient_flow</c> (default true): integrate gradient flow θ' = −∇L(θ) alongside, compared at t = η·step.</summary>
    public bool GradientFlow { get; init; } = true;

    /// <summary><c>flow_substeps</c> (default 4): classical RK4 steps of size η/flow_substeps per GD step.</summary>
    public int FlowSubsteps { get; init; } = 4;

    /// <summary><c>edge_band</c> (default 0.1): the edge counts as reached once λ_max ≥ (1 − edge_band)·2/η.</summary>
    public double EdgeBand { get; init; } = 0.1;

    /// <summary><c>lanczos_iterations</c> (default 40): Krylov dimension cap per measurement.</summary>
    public int LanczosIterations { get; init; } = 40;

    /// <summary><c>seed</c> (default 1): seed of the initialization (and of the synthetic data and the Lanczos start vectors).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 1): threads over blocks of samples; results do not depend on it.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>One measurement along the trajectory (every <c>eig_freq</c> steps, and the last step).</summary>
/// <param name="Step">GD step k (θ_k, before the k-th update).</param>
/// <param name="Time">t = η·k, the gradient-flow time it corresponds to.</param>
/// <param name="Loss">L(θ_k).</param>
/// <param name="Eigenvalues">Top <c>neigs</c> Hessian eigenvalues at θ_k, descending (λ_1 is the sharpness).</param>
/// <param name="LayerSharpness">Top eigenvalue of each weight layer's diagonal Hessian block (W_l and b_l), layer 1 first.</param>
/// <param name="FlowLoss">L(θ(t)) on the gradient-flow trajectory at the same time (NaN without gradient flow).</param>
/// <param name="FlowSharpness">λ_max(∇²L(θ(t))) on the gradient-flow trajectory.</param>
/// <param name="FlowDistance">‖θ_k − θ(t)‖ / ‖θ(t) − θ_0‖: how far GD has left the flow, relative to how far the flow has moved.</param>
public sealed record EdgeOfStabilityPoint(int Step, double Time, double Loss, double[] Eigenvalues, double[] LayerSharpness,
    double FlowLoss, double FlowSharpness, double FlowDistance);

/// <summary>Result of <see cref="EdgeOfStability"/>: the series and its summary.</summary>
/// <remarks>
/// <c>EdgeStep</c>/<c>EdgeTime</c>: first measured step (and t = η·step) with λ_max ≥ (1 − edge_band)·2/η; −1/NaN if never.<br/>
/// <c>RatioMean</c>, <c>RatioStd</c>, <c>RatioMedian</c>: of λ_max·η/2 over the measurements after the edge (1 = exactly at 2/η).<br/>
/// <c>NonMonotoneFraction</c>: fraction of GD steps after the edge with L(θ_{k+1}) &gt; L(θ_k); <c>NonMonotoneFractionBefore</c> before it.<br/>
/// <c>LossDropAfterEdge</c>: L at the edge over L at the last step (&gt; 1: the loss still falls while sharpness hovers).<br/>
/// <c>FlowDistanceAtEdge</c>, <c>FlowDistanceFinal</c>: the <see cref="EdgeOfStabilityPoint.FlowDistance"/> at the edge and at the end;
/// <c>FlowSharpnessFinalRatio</c>: gradient flow's λ_max·η/2 at the end (it keeps sharpening past 1; GD does not).
/// </remarks>
public sealed record EdgeOfStabilityReport(
    string Data, string Network, string Activation, int Parameters, int Samples, double Lr, double TwoOverLr, int Steps,
    int Neigs, int EigFreq, int FlowSubsteps, double EdgeBand, ulong Seed, bool Diverged, int DivergedAtStep,
    double InitialSharpness, double FinalSharpness, int EdgeStep, double EdgeTime, double RatioMean, double RatioStd, double RatioMedian,
    int RatioCount, double NonMonotoneFraction, double NonMonotoneFractionBefore, double LossAtEdge, double FinalLoss, double LossDropAfterEdge,
    double FlowDistanceAtEdge, double FlowDistanceFinal, double FlowLossFinal, double FlowSharpnessFinalRatio,
    EdgeOfStabilityPoint[] Series, [property: JsonIgnore] double[] Losses);

/// <summary>
/// The edge of stability (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021): full-batch GD at a constant step η on a
/// network first sharpens progressively — λ_max(∇²L) rises — until it reaches 2/η, the linear-stability limit of
/// GD on a quadratic; then, instead of diverging, it hovers just above or at 2/η while the loss keeps falling over
/// long times, non-monotonically. Damian, Nichani, Lee (ICLR 2023) explain the hovering as self-stabilization: the
/// oscillation along the top eigenvector drives θ, through the third derivative, towards lower sharpness. Below the
/// edge GD is a first-order integrator of gradient flow θ' = −∇L at t = η·k; once λ_max ≈ 2/η they separate
/// (gradient flow keeps sharpening). Measured here: the top-k Hessian eigenvalues every <c>eig_freq</c> steps by
/// Lanczos on exact HVPs (as Cohen et al.'s <c>gd.py --neigs --eig_freq</c>), the sharpness of each layer's diagonal
/// block, and gradient flow integrated by RK4 at the same times.
/// </summary>
public static class EdgeOfStability
{
    public static readonly IAnalysis Entry = new Analysis<EdgeOfStabilitySettings, EdgeOfStabilityReport>(
        "eos", "does GD sharpen to 2/eta and hover there while the loss still falls (edge of stability), and where does it leave gradient flow?", Run);

    /// <summary>Name of the built-in synthetic task.</summary>
    public const string SyntheticName = "synthetic";

    public static EdgeOfStabilityReport Run(DescentSystem system, EdgeOfStabilitySettings settings, IProgress<double>? progress = null)
    {
        Validate(settings);
        var (model, data) = Prepare(settings);
        return Run(model, data, model.CreateParameters(settings.Seed), settings, progress);
    }

    /// <summary>Checks the numeric settings (user errors, one sentence each).</summary>
    public static void Validate(EdgeOfStabilitySettings s)
    {
        if (!(s.Lr > 0) || !double.IsFinite(s.Lr)) throw new UserInputException($"--lr must be a positive number, got {s.Lr}");
        if (s.Steps < 1) throw new UserInputException($"--steps must be at least 1, got {s.Steps}");
        if (s.Neigs is < 1 or > 20) throw new UserInputException($"--neigs must lie in 1…20, got {s.Neigs}");
        if (s.EigFreq < 1) throw new UserInputException($"--eig-freq must be at least 1, got {s.EigFreq}");
        if (s.FlowSubsteps is < 1 or > 1000) throw new UserInputException($"--flow-substeps must lie in 1…1000, got {s.FlowSubsteps}");
        if (!(s.EdgeBand > 0 && s.EdgeBand < 1)) throw new UserInputException($"--edge-band must lie in (0, 1), got {s.EdgeBand}");
        if (s.LanczosIterations < s.Neigs) throw new UserInputException($"--lanczos-iterations must be at least --neigs ({s.Neigs}), got {s.LanczosIterations}");
        if (s.Threads < 1) throw new UserInputException($"--threads must be at least 1, got {s.Threads}");
        if (s.Samples < 2) throw new UserInputException($"--samples must be at least 2, got {s.Samples}");
    }

    /// <summary>The network and the prepared training data of <paramref name="s"/>.</summary>
    public static (Mlp Model, RegressionData Data) Prepare(EdgeOfStabilitySettings s)
    {
        RegressionData raw;
        string name = s.Data.Trim();
        if (string.Equals(name, SyntheticName, StringComparison.OrdinalIgnoreCase)) raw = SyntheticData(s.Samples, s.Seed);
        else if (string.Equals(name, AirfoilData.Name, StringComparison.OrdinalIgnoreCase)) raw = AirfoilData.Load();
        else raw = CsvDataLoader.Load(name, s.Target);
        var prepared = DataPreparation.Prepare(raw, DataPreparation.ParsePreprocessing(s.Preprocess), 0, s.Seed);
        var model = Mlp.FromHidden(raw.InputCount, s.Hidden, raw.TargetCount, Learning.Activation.Parse(s.Activation, s.ActivationParam));
        return (model, prepared.Train);
    }

    /// <summary>
    /// The synthetic task: n inputs x ~ N(0, I_4) (stream 0x5E0_0001 of the seed) and the smooth target
    /// y = sin(2x₁) + x₂x₃ − x₄²/2 + 0.05·ξ. Smooth and low-noise, so that the loss keeps falling for thousands of
    /// steps and progressive sharpening has time to act, as on Cohen et al.'s CIFAR-10 subsets.
    /// </summary>
    public static RegressionData SyntheticData(int samples, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 0x5E0_0001);
        var x = new double[samples * 4];
        var y = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < 4; k++) x[4 * i + k] = rng.NextGaussian();
            y[i] = Math.Sin(2 * x[4 * i]) + x[4 * i + 1] * x[4 * i + 2] - 0.5 * x[4 * i + 3] * x[4 * i + 3] + 0.05 * rng.NextGaussian();
        }
        return new RegressionData(SyntheticName, ["x1", "x2", "x3", "x4"], ["y"], x, y);
    }

    /// <summary>One run from <paramref name="theta0"/> on <paramref name="data"/>.</summary>
    public static EdgeOfStabilityReport Run(Mlp model, RegressionData data, double[] theta0, EdgeOfStabilitySettings s, IProgress<double>? progress = null)
    {
        Validate(s);
        int p = model.ParameterCount;
        double eta = s.Lr, edge = 2 / eta;
        var loss = new MlpLoss(model, data, s.Threads);
        var blocks = Sharpness.LayerBlocks(model);
        var theta = (double[])theta0.Clone();
        var grad = new double[p];
        var flow = s.GradientFlow ? new RungeKuttaFlow(loss, theta0, eta / s.FlowSubsteps) : null;
        var losses = new double[s.Steps + 1];
        var series = new List<EdgeOfStabilityPoint>();
        double l0 = double.NaN;
        int divergedAt = -1;
        ulong lanczosSeed = Xoshiro256.ForStream(s.Seed, 0xE05).NextUInt64();

        for (int k = 0; k <= s.Steps; k++)
        {
            double l = loss.ValueAndGradient(theta, grad);
            losses[k] = l;
            if (k == 0) l0 = l;
            if (!double.IsFinite(l) || l > 1e6 * Math.Max(l0, 1e-300))
            {
                divergedAt = k;
                Array.Resize(ref losses, k + 1);
                break;
            }
            if (k % s.EigFreq == 0 || k == s.Steps)
            {
                var top = Sharpness.LanczosTop(loss, theta, s.Neigs, s.LanczosIterations, 1e-6, lanczosSeed).Values;
                var layers = s.LayerSharpness ? Sharpness.BlockSharpness(loss, theta, blocks, s.LanczosIterations, 1e-6, lanczosSeed) : [];
                double fl = double.NaN, fs = double.NaN, fd = double.NaN;
                if (flow is not null)
                {
                    flow.AdvanceTo(k * s.FlowSubsteps);
                    fl = loss.Value(flow.Theta);
                    fs = Sharpness.LanczosTop(loss, flow.Theta, 1, s.LanczosIterations, 1e-6, lanczosSeed).Values[0];
                    double num = 0, den = 0;
                    for (int i = 0; i < p; i++)
                    {
                        double a = theta[i] - flow.Theta[i], b = flow.Theta[i] - theta0[i];
                        num += a * a; den += b * b;
                    }
                    fd = den > 0 ? Math.Sqrt(num / den) : 0;
                }
                series.Add(new EdgeOfStabilityPoint(k, eta * k, l, top, layers, fl, fs, fd));
                progress?.Report(k / (double)s.Steps);
            }
            if (k == s.Steps) break;
            for (int i = 0; i < p; i++) theta[i] -= eta * grad[i];
        }
        return Summarize(model, data, s, losses, series, divergedAt);
    }

    private static EdgeOfStabilityReport Summarize(Mlp model, RegressionData data, EdgeOfStabilitySettings s, double[] losses,
        List<EdgeOfStabilityPoint> series, int divergedAt)
    {
        double eta = s.Lr, edge = 2 / eta;
        int edgeIndex = series.FindIndex(pt => pt.Eigenvalues[0] >= (1 - s.EdgeBand) * edge);
        int edgeStep = edgeIndex >= 0 ? series[edgeIndex].Step : -1;
        double mean = double.NaN, std = double.NaN, median = double.NaN;
        int count = 0;
        if (edgeIndex >= 0)
        {
            var ratios = series.Skip(edgeIndex).Select(pt => pt.Eigenvalues[0] * eta / 2).Where(double.IsFinite).ToArray();
            count = ratios.Length;
            if (count > 0)
            {
                mean = ratios.Average();
                std = count > 1 ? Math.Sqrt(ratios.Sum(r => (r - mean) * (r - mean)) / (count - 1)) : 0;
                var sorted = ratios.Order().ToArray();
                median = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2]);
            }
        }
        static double RiseFraction(double[] l, int from, int to)
        {
            int n = 0, rises = 0;
            for (int k = from; k < to && k + 1 < l.Length; k++, n++)
                if (l[k + 1] > l[k]) rises++;
            return n > 0 ? rises / (double)n : double.NaN;
        }
        int last = losses.Length - 1;
        double lossAtEdge = edgeStep >= 0 ? losses[edgeStep] : double.NaN;
        var final = series.Count > 0 ? series[^1] : null;
        var atEdge = edgeIndex >= 0 ? series[edgeIndex] : null;
        return new EdgeOfStabilityReport(
            Data: data.Name, Network: string.Join("-", model.Widths), Activation: model.Activation.ToString()!, Parameters: model.ParameterCount,
            Samples: data.Count, Lr: eta, TwoOverLr: edge, Steps: s.Steps, Neigs: s.Neigs, EigFreq: s.EigFreq,
            FlowSubsteps: s.GradientFlow ? s.FlowSubsteps : 0, EdgeBand: s.EdgeBand, Seed: s.Seed,
            Diverged: divergedAt >= 0, DivergedAtStep: divergedAt,
            InitialSharpness: series.Count > 0 ? series[0].Eigenvalues[0] : double.NaN,
            FinalSharpness: final?.Eigenvalues[0] ?? double.NaN,
            EdgeStep: edgeStep, EdgeTime: edgeStep >= 0 ? eta * edgeStep : double.NaN,
            RatioMean: mean, RatioStd: std, RatioMedian: median, RatioCount: count,
            NonMonotoneFraction: edgeStep >= 0 ? RiseFraction(losses, edgeStep, last) : double.NaN,
            NonMonotoneFractionBefore: RiseFraction(losses, 0, edgeStep >= 0 ? edgeStep : last),
            LossAtEdge: lossAtEdge, FinalLoss: losses[last], LossDropAfterEdge: edgeStep >= 0 ? lossAtEdge / losses[last] : double.NaN,
            FlowDistanceAtEdge: atEdge?.FlowDistance ?? double.NaN, FlowDistanceFinal: final?.FlowDistance ?? double.NaN,
            FlowLossFinal: final?.FlowLoss ?? double.NaN, FlowSharpnessFinalRatio: (final?.FlowSharpness ?? double.NaN) * eta / 2,
            Series: series.ToArray(), Losses: losses);
    }

    /// <summary>
    /// Gradient flow θ' = −∇L(θ) by the classical fourth-order Runge–Kutta method with a fixed step h: error O(h⁴)
    /// per unit time while h·λ_max stays well inside RK4's stability interval (h·λ_max &lt; 2.78), which for h = η/4
    /// holds up to λ_max ≈ 11/η — far past the edge 2/η where GD leaves the flow.
    /// </summary>
    private sealed class RungeKuttaFlow(MlpLoss loss, double[] theta0, double h)
    {
        private readonly double[] _k1 = new double[theta0.Length], _k2 = new double[theta0.Length],
            _k3 = new double[theta0.Length], _k4 = new double[theta0.Length], _tmp = new double[theta0.Length];
        private int _substeps;

        public double[] Theta { get; } = (double[])theta0.Clone();

        public void AdvanceTo(int substeps)
        {
            var th = Theta;
            int p = th.Length;
            for (; _substeps < substeps; _substeps++)
            {
                loss.ValueAndGradient(th, _k1);
                for (int i = 0; i < p; i++) _tmp[i] = th[i] - 0.5 * h * _k1[i];
                loss.ValueAndGradient(_tmp, _k2);
                for (int i = 0; i < p; i++) _tmp[i] = th[i] - 0.5 * h * _k2[i];
                loss.ValueAndGradient(_tmp, _k3);
                for (int i = 0; i < p; i++) _tmp[i] = th[i] - h * _k3[i];
                loss.ValueAndGradient(_tmp, _k4);
                for (int i = 0; i < p; i++) th[i] -= h / 6 * (_k1[i] + 2 * _k2[i] + 2 * _k3[i] + _k4[i]);
            }
        }
    }
}
