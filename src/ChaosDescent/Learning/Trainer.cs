using System.Diagnostics;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;
using ChaosDescent.Statistics;

namespace ChaosDescent.Learning;

/// <summary>What to run and what to measure along the way (see <see cref="Trainer.Run"/>).</summary>
public sealed record TrainingSettings
{
    /// <summary>Learning rate η &gt; 0.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Number of full-batch epochs N (one epoch = one step of the training map).</summary>
    public required int Epochs { get; init; }

    /// <summary>Heavy-ball momentum β ∈ [0, 1): v ← βv − η∇L(θ), θ ← θ + v (App. D.4.1). 0 = plain GD.</summary>
    public double Momentum { get; init; }

    /// <summary>Fraction of the epochs that forms the late window (loss statistics, Lyapunov average, weight histograms).</summary>
    public double LateFraction { get; init; } = 0.25;

    /// <summary>Estimate the maximal Lyapunov exponent over the late window (costs one HVP per epoch there).</summary>
    public bool Lyapunov { get; init; } = true;

    /// <summary>Epochs of tangent propagation before the late window, discarded, so the tangent aligns with the top direction.</summary>
    public int LyapunovWarmup { get; init; } = 200;

    /// <summary>Number of sharpness measurements spread evenly over training (plus one at the end); 0 = only at the end.</summary>
    public int SharpnessPoints { get; init; } = 40;

    /// <summary>Lanczos steps per sharpness measurement.</summary>
    public int LanczosIterations { get; init; } = 20;

    /// <summary>Parameter indices whose values are recorded over the late window (weight histograms); null = none.</summary>
    public int[]? WatchedParameters { get; init; }

    /// <summary>Training stops as diverged when L is not finite or exceeds this factor times max(L(θ0), 1).</summary>
    public double DivergenceFactor { get; init; } = 1e6;

    /// <summary>Number of test-loss evaluations spread over training when a test loss is given.</summary>
    public int TestPoints { get; init; } = 200;

    /// <summary>Seed of the random start of the tangent vector and of the Lanczos start vector.</summary>
    public ulong Seed { get; init; } = 1;

    internal void Validate(int parameters)
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new UserInputException($"the learning rate must be positive and finite, got {LearningRate}");
        if (Epochs < 1) throw new UserInputException($"--epochs must be at least 1, got {Epochs}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new UserInputException($"--momentum must lie in [0, 1), got {Momentum}");
        if (!(LateFraction > 0 && LateFraction <= 1)) throw new UserInputException($"the late fraction must lie in (0, 1], got {LateFraction}");
        if (LyapunovWarmup < 0 || SharpnessPoints < 0 || LanczosIterations < 1 || TestPoints < 0)
            throw new UserInputException("warm-up, sharpness points, Lanczos steps and test points must be non-negative");
        if (WatchedParameters is not null)
            foreach (var i in WatchedParameters)
                if (i < 0 || i >= parameters) throw new UserInputException($"watched parameter index {i} is outside 0…{parameters - 1}");
    }
}

/// <summary>Everything measured in one training run.</summary>
public sealed class TrainingResult
{
    public required TrainingSettings Settings { get; init; }

    /// <summary>L(θ_t) for t = 0 … EpochsRun − 1 (the loss at the start of each epoch), then L(θ_N) if not diverged.</summary>
    public required double[] Losses { get; init; }

    /// <summary>Epochs actually run (less than N when training diverged).</summary>
    public required int EpochsRun { get; init; }

    /// <summary>L at the end (θ_N), NaN if diverged.</summary>
    public required double FinalLoss { get; init; }

    public required bool Diverged { get; init; }

    /// <summary>Epoch at which divergence was detected (−1 if none).</summary>
    public required int DivergedAtEpoch { get; init; }

    public required LossWindowStatistics Late { get; init; }

    /// <summary>Maximal Lyapunov exponent of the training map (per epoch), NaN if not computed.</summary>
    public required double Lyapunov { get; init; }

    /// <summary>Standard error of <see cref="Lyapunov"/> by batch means (20 batches).</summary>
    public required double LyapunovStandardError { get; init; }

    /// <summary>Number of epochs averaged for <see cref="Lyapunov"/>.</summary>
    public required int LyapunovEpochs { get; init; }

    /// <summary>Epochs at which the sharpness was measured.</summary>
    public required int[] SharpnessEpochs { get; init; }

    /// <summary>λ_max(∇²L(θ_t)) at <see cref="SharpnessEpochs"/>.</summary>
    public required double[] SharpnessValues { get; init; }

    /// <summary>λ_max at θ_N (or at the last measurement before divergence).</summary>
    public required double FinalSharpness { get; init; }

    /// <summary>Indices of the watched parameters.</summary>
    public required int[] WatchedParameters { get; init; }

    /// <summary>Values of each watched parameter at every late-window epoch: [watched index][epoch in window].</summary>
    public required double[][] WatchedTraces { get; init; }

    /// <summary>Epochs of the test-loss evaluations (empty without a test set).</summary>
    public required int[] TestEpochs { get; init; }

    public required double[] TestLosses { get; init; }

    /// <summary>θ at the end (θ_N, or the last state before divergence).</summary>
    public required double[] FinalParameters { get; init; }

    /// <summary>Wall-clock seconds of the whole run (diagnostics included).</summary>
    public required double Seconds { get; init; }

    /// <summary>
    /// The linear-stability threshold for the sharpness: a minimum is stable for GD iff λ_max &lt; 2/η, for heavy
    /// ball iff λ_max &lt; 2(1 + β)/η (the companion matrix of each Hessian eigen-direction has spectral radius &lt; 1).
    /// </summary>
    public double StabilityThreshold => 2 * (1 + Settings.Momentum) / Settings.LearningRate;
}

/// <summary>
/// Statistics of the loss over the late window of a run, and the convergence verdict.
/// <para>
/// <b>Converged</b> means: over the late window the loss never rises by more than a relative
/// <see cref="RiseTolerance"/> from one epoch to the next. Below the edge of stability (η λ_max &lt; 2) GD is a
/// descent method and its loss decreases monotonically towards a local minimum (Fig. 7), however slowly; a run
/// that oscillates (a period-2 or longer cycle, the edge of stability) or is chaotic (Fig. 6) has the loss going
/// up about as often as down (<see cref="IncreaseFraction"/> ≈ 0.5). How far a converging run still is from its
/// limit shows in <see cref="StandardDeviation"/> and <see cref="RelativeSpread"/>.
/// </para>
/// </summary>
public readonly record struct LossWindowStatistics(int Start, int Length, double Mean, double StandardDeviation, double Min, double Max,
    double IncreaseFraction, bool Converged)
{
    /// <summary>Relative rise per epoch that still counts as "not increasing" (rounding at a fixed point).</summary>
    public const double RiseTolerance = 1e-9;

    /// <summary>(max − min)/mean over the window.</summary>
    public double RelativeSpread => (Max - Min) / Math.Abs(Mean);

    public static LossWindowStatistics Compute(ReadOnlySpan<double> losses, int start)
    {
        int n = losses.Length - start;
        if (n <= 0) return new LossWindowStatistics(start, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, false);
        var w = losses[start..];
        double mean = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var x in w) { mean += x; min = Math.Min(min, x); max = Math.Max(max, x); }
        mean /= n;
        double v = 0;
        foreach (var x in w) v += (x - mean) * (x - mean);
        double sd = n > 1 ? Math.Sqrt(v / (n - 1)) : 0;
        int rises = 0;
        for (int i = 1; i < n; i++)
            if (w[i] > w[i - 1] + RiseTolerance * Math.Abs(w[i - 1])) rises++;
        double frac = n > 1 ? (double)rises / (n - 1) : 0;
        bool finite = double.IsFinite(mean) && double.IsFinite(max);
        bool converged = finite && rises == 0;
        return new LossWindowStatistics(start, n, mean, sd, min, max, frac, converged);
    }
}

/// <summary>
/// Full-batch training as a map plus observers: the deterministic map θ ↦ θ − η∇L(θ) (<see cref="GradientDescentMap"/>)
/// or heavy ball (<see cref="HeavyBallMap"/>) iterated by the one orbit driver <see cref="MapIteration"/>, with the
/// diagnostics of the training map measured on the way:
/// <list type="bullet">
/// <item>the maximal Lyapunov exponent λ = lim (1/n) Σ ln ‖Dφ(θ_t) u_t‖ (eq. (4) of the paper, Thm. 9) by the
/// shared tangent engine <see cref="TangentPropagator"/>: the map's tangent action Dφ(θ)u = u − η∇²L(θ)u by exact
/// Hessian-vector products, fused with the gradient in one pass, u renormalized every epoch; heavy ball:
/// D(θ, v)(δθ, δv) = (δθ + δv', δv') with δv' = βδv − η∇²Lδθ;</item>
/// <item>the sharpness λ_max(∇²L(θ_t)) by Lanczos, to compare with 2/η;</item>
/// <item>loss statistics over the late window and the values of chosen weights there (their histogram is the
/// empirical distribution that large-η GD converges to, Fig. 6).</item>
/// </list>
/// </summary>
public static class Trainer
{
    public static TrainingResult Run(IScalarField loss, ReadOnlySpan<double> initial, TrainingSettings settings,
        IProgress<double>? progress = null, IScalarField? test = null)
    {
        int p = loss.Dimension;
        if (initial.Length != p) throw new ArgumentException("θ0 length");
        settings.Validate(p);
        if (test is not null && test.Dimension != p) throw new ArgumentException("test loss has a different parameter count");
        var sw = Stopwatch.StartNew();
        int n = settings.Epochs;
        double eta = settings.LearningRate, beta = settings.Momentum;
        OptimizerMap map = beta > 0 ? new HeavyBallMap(loss, eta, beta) : new GradientDescentMap(loss, eta);
        int lateLength = Math.Max(1, (int)Math.Round(n * settings.LateFraction));
        int lateStart = n - lateLength;
        int tangentStart = settings.Lyapunov ? Math.Max(0, lateStart - settings.LyapunovWarmup) : int.MaxValue;

        var state = new double[map.StateDimension];
        initial.CopyTo(state);
        map.Initialize(state, 1);
        var tangent = settings.Lyapunov ? new TangentPropagator(map.StateDimension, settings.Seed) : null;
        var logGrowth = new List<double>(settings.Lyapunov ? lateLength : 0);
        var observer = new TrainingObserver(loss, test, settings, lateStart, lateLength, progress);
        var rng = Xoshiro256.ForStream(settings.Seed, 0); // unused: the training maps are deterministic
        long run = MapIteration.Run(map, state, n, ref rng, observer, tangent, tangentStart, lateStart, logGrowth);
        var theta = state[..p];
        bool diverged = observer.DivergedAt >= 0;
        int divergedAt = observer.DivergedAt;
        var losses = observer.Losses;
        var sharpEpochs = observer.SharpnessEpochs;
        var sharpValues = observer.SharpnessValues;
        var testEpochs = observer.TestEpochs;
        var testValues = observer.TestValues;
        var watched = observer.Watched;
        var traces = observer.Traces;

        double finalLoss = double.NaN, finalSharp = double.NaN;
        if (!diverged)
        {
            finalLoss = loss.Value(theta);
            losses[n] = finalLoss;
            if (!double.IsFinite(finalLoss)) { diverged = true; divergedAt = n; }
        }
        if (!diverged)
        {
            var s = Sharpness.Lanczos(loss, theta, settings.LanczosIterations, 1e-6, settings.Seed, observer.TopVector);
            finalSharp = s.Largest;
            if (test is not null) { testEpochs.Add(n); testValues.Add(test.Value(theta)); }
        }
        else if (sharpValues.Count > 0) finalSharp = sharpValues[^1];

        var lossSeries = diverged ? losses[..((int)run + 1)] : losses;
        var late = diverged
            ? new LossWindowStatistics(lateStart, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, false)
            : LossWindowStatistics.Compute(losses.AsSpan(0, n), lateStart);
        var (lyap, lyapSe) = diverged || logGrowth.Count == 0 ? (double.NaN, double.NaN) : BatchMeans.OfSeries(logGrowth, 20);
        if (diverged) traces = watched.Select(_ => Array.Empty<double>()).ToArray();
        progress?.Report(1);
        return new TrainingResult
        {
            Settings = settings,
            Losses = lossSeries,
            EpochsRun = (int)run,
            FinalLoss = finalLoss,
            Diverged = diverged,
            DivergedAtEpoch = divergedAt,
            Late = late,
            Lyapunov = lyap,
            LyapunovStandardError = lyapSe,
            LyapunovEpochs = diverged ? 0 : logGrowth.Count,
            SharpnessEpochs = sharpEpochs.ToArray(),
            SharpnessValues = sharpValues.ToArray(),
            FinalSharpness = finalSharp,
            WatchedParameters = watched.ToArray(),
            WatchedTraces = traces,
            TestEpochs = testEpochs.ToArray(),
            TestLosses = testValues.ToArray(),
            FinalParameters = theta,
            Seconds = sw.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// The observers of a training run: L(θ_t) every epoch (the value the map's gradient pass computed anyway) and the
    /// divergence test on it and on ∇L; the sharpness on its schedule; the test loss; the watched weights over the
    /// late window; progress.
    /// </summary>
    private sealed class TrainingObserver : IOrbitObserver
    {
        private readonly IScalarField _loss;
        private readonly IScalarField? _test;
        private readonly TrainingSettings _settings;
        private readonly int _lateStart;
        private readonly SortedSet<int> _sharpSet = new();
        private readonly SortedSet<int> _testSet = new();
        private readonly double[] _topVector;
        private readonly IProgress<double>? _progress;
        private readonly int _reportEvery;
        private bool _haveTop;
        private double _threshold = double.NaN;

        public TrainingObserver(IScalarField loss, IScalarField? test, TrainingSettings settings, int lateStart, int lateLength,
            IProgress<double>? progress)
        {
            int n = settings.Epochs;
            _loss = loss;
            _test = test;
            _settings = settings;
            _lateStart = lateStart;
            _progress = progress;
            _reportEvery = Math.Max(1, n / 200);
            Losses = new double[n + 1];
            Watched = settings.WatchedParameters ?? [];
            Traces = Watched.Select(_ => new double[lateLength]).ToArray();
            // Sharpness schedule: SharpnessPoints even epochs evenly spread over [0, N), plus θ_N at the end. Even
            // epochs only: at the edge of stability θ_t often alternates between two sides of a valley (period 2)
            // whose sharpness differs, and mixing both phases would draw a zigzag.
            for (int i = 0; i < settings.SharpnessPoints; i++) _sharpSet.Add((int)((long)i * n / settings.SharpnessPoints) & ~1);
            if (test is not null)
                for (int i = 0; i < settings.TestPoints; i++) _testSet.Add((int)((long)i * n / settings.TestPoints));
            _topVector = new double[loss.Dimension];
        }

        public double[] Losses { get; }
        public int[] Watched { get; }
        public double[][] Traces { get; }
        public List<int> SharpnessEpochs { get; } = [];
        public List<double> SharpnessValues { get; } = [];
        public List<int> TestEpochs { get; } = [];
        public List<double> TestValues { get; } = [];
        public int DivergedAt { get; private set; } = -1;

        /// <summary>The last top Ritz vector (the start of the next Lanczos run), empty before the first.</summary>
        public ReadOnlySpan<double> TopVector => _haveTop ? _topVector : default;

        public bool NeedsValue(long step) => true;

        public bool Observe(long step, ReadOnlySpan<double> state, double l, ReadOnlySpan<double> gradient)
        {
            int t = (int)step;
            var theta = state[.._loss.Dimension];
            Losses[t] = l;
            if (t == 0) _threshold = _settings.DivergenceFactor * Math.Max(Math.Abs(l), 1);
            if (!double.IsFinite(l) || l > _threshold || !AllFinite(gradient))
            {
                DivergedAt = t;
                return false;
            }
            if (_sharpSet.Contains(t))
            {
                var s = Sharpness.Lanczos(_loss, theta, _settings.LanczosIterations, 1e-6, _settings.Seed, TopVector, _topVector);
                _haveTop = double.IsFinite(s.Largest);
                SharpnessEpochs.Add(t);
                SharpnessValues.Add(s.Largest);
            }
            if (_test is not null && _testSet.Contains(t))
            {
                TestEpochs.Add(t);
                TestValues.Add(_test.Value(theta));
            }
            if (t >= _lateStart)
                for (int i = 0; i < Watched.Length; i++) Traces[i][t - _lateStart] = theta[Watched[i]];
            if (_progress is not null && (t + 1) % _reportEvery == 0) _progress.Report((double)(t + 1) / _settings.Epochs);
            return true;
        }
    }

    private static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (var v in x) if (!double.IsFinite(v)) return false;
        return true;
    }
}
