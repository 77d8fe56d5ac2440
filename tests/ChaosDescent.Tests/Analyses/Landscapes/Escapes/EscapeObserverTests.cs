using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Analyses.Landscapes.Escapes;

/// <summary>Escapes as an observer on the ensemble engine, and the stationary default burn-in.</summary>
public class EscapeObserverTests
{
    /// <summary>
    /// The escape statistics written out as one plain loop (the definition): blocks with their own stream, the map's
    /// step, blow-up marking, then regions, commitments (entering another core), first exits and counts after the
    /// burn-in. The engine with its observer must give the same integers and positions bitwise.
    /// </summary>
    private static (int[] First, int[] Censor, long[] Occ, long[] Exp, long[] Trans, double[] Final) Reference(
        OptimizerMap map, RegionPartition regions, EscapeSettings s)
    {
        int n = s.Particles, k = s.Steps, bs = s.BlockSize, sb = map.StateBlocks, nr = regions.Count;
        var first = new int[n];
        var censor = new int[n];
        var final = new double[n];
        var occ = new long[nr];
        var exp = new long[nr];
        var trans = new long[nr * nr];
        for (int b = 0; b * bs < n; b++)
        {
            int start = b * bs, count = Math.Min(bs, n - start);
            var state = new double[sb * count];
            var scratch = new double[map.ScratchLength(count)];
            var committed = new int[count];
            var div = new int[count];
            var rng = Xoshiro256.ForStream(s.Seed, (ulong)b);
            s.Initial.Sample(ref rng, state, count, 1);
            map.Initialize(state, count);
            for (int i = 0; i < count; i++)
            {
                committed[i] = regions.RegionOf(state[i]);
                censor[start + i] = k;
            }
            for (int step = 1; step <= k; step++)
            {
                map.Step(state, count, ref rng, scratch);
                for (int i = 0; i < count; i++)
                {
                    if (div[i] != 0) continue;
                    double x = state[i];
                    if (!(Math.Abs(x) <= s.DivergenceBound))
                    {
                        div[i] = step;
                        if (first[start + i] == 0) censor[start + i] = step;
                        for (int c = 0; c < sb; c++) state[c * count + i] = double.NaN;
                        continue;
                    }
                    int r = regions.RegionOf(x), from = committed[i];
                    if (step > s.BurnIn)
                    {
                        occ[r]++;
                        exp[from]++;
                    }
                    if (r != from && x >= regions.Cores[r].Lo && x <= regions.Cores[r].Hi)
                    {
                        if (step > s.BurnIn) trans[from * nr + r]++;
                        committed[i] = r;
                        if (first[start + i] == 0) first[start + i] = step;
                    }
                }
            }
            state.AsSpan(0, count).CopyTo(final.AsSpan(start, count));
        }
        return (first, censor, occ, exp, trans, final);
    }

    private static readonly MultiscaleObjective Tilted = ObjectiveCatalog.Create("tilted-doublewell-quasiperiodic");
    private static readonly RegionPartition Wells = new([-0.12], [(-1.3, -0.9), (0.7, 1.1)]);

    [Theory]
    [InlineData("gd", 0)]
    [InlineData("gd", 300)]
    [InlineData("stochastic", 150)]
    [InlineData("gaussian", 0)]
    public void TheObserverGivesTheStatisticsOfThePlainLoopBitwise(string mapName, int burnIn)
    {
        var map = MapFactory.Create(mapName, Tilted, 0.2);
        var settings = new EscapeSettings { Particles = 1500, Steps = 600, BurnIn = burnIn, Seed = 4, Initial = InitialCondition.Uniform(-1.5, 1.5), BlockSize = 256 };
        var engine = EscapeRunner.Run(map, Wells, settings);
        var (first, censor, occ, exp, trans, final) = Reference(map, Wells, settings);
        Assert.Equal(first, engine.FirstExitStep);
        Assert.Equal(censor, engine.CensorStep);
        Assert.Equal(occ, engine.Occupation);
        Assert.Equal(exp, engine.Exposure);
        Assert.Equal(trans, engine.Transitions.Cast<long>().ToArray());
        Assert.Equal(final, engine.FinalPositions);
        Assert.True(trans.Sum() > 0, "the test needs transitions to mean something");
    }

    [Fact]
    public void DivergenceCensoringMatchesThePlainLoop()
    {
        // η far beyond 2/L: most particles blow up at different steps
        var map = new GradientDescentMap(Tilted, 0.9);
        var settings = new EscapeSettings { Particles = 600, Steps = 80, Seed = 2, Initial = InitialCondition.Uniform(-2.5, 2.5), BlockSize = 128 };
        var engine = EscapeRunner.Run(map, Wells, settings);
        var (first, censor, occ, exp, _, final) = Reference(map, Wells, settings);
        Assert.True(engine.Diverged > 0);
        Assert.Equal(first, engine.FirstExitStep);
        Assert.Equal(censor, engine.CensorStep);
        Assert.Equal(occ, engine.Occupation);
        Assert.Equal(exp, engine.Exposure);
        Assert.Equal(final, engine.FinalPositions);
    }

    [Fact]
    public void ALaterBurnInFromTheWindowsEqualsARunWithThatBurnIn()
    {
        var map = new StochasticMap(Tilted, 0.2);
        var settings = new EscapeSettings { Particles = 1200, Steps = 1000, Seed = 8, Initial = InitialCondition.Uniform(0.7, 1.1), BlockSize = 256 };
        var whole = EscapeRunner.Run(map, Wells, settings);
        int b = whole.BurnInCandidates[37];
        var later = whole.WithBurnIn(b);
        var direct = EscapeRunner.Run(map, Wells, settings with { BurnIn = b });
        Assert.Equal(direct.Occupation, later.Occupation);
        Assert.Equal(direct.Exposure, later.Exposure);
        Assert.Equal(direct.Transitions.Cast<long>(), later.Transitions.Cast<long>());
        Assert.Equal(direct.OccupationStandardErrors(), later.OccupationStandardErrors());
    }

    [Fact]
    public void EscapeStatisticsAreBitwiseIndependentOfTheThreadCount()
    {
        var map = new StochasticMap(Tilted, 0.2);
        var settings = new EscapeSettings { Particles = 2500, Steps = 400, BurnIn = 100, Seed = 21, Initial = InitialCondition.Uniform(-1.5, 1.5), BlockSize = 256, TraceParticles = 2, TraceSteps = 50 };
        var one = EscapeRunner.Run(map, Wells, settings with { Threads = 1 });
        var two = EscapeRunner.Run(map, Wells, settings with { Threads = 2 });
        Assert.Equal(one.FirstExitStep, two.FirstExitStep);
        Assert.Equal(one.CensorStep, two.CensorStep);
        Assert.Equal(one.Occupation, two.Occupation);
        Assert.Equal(one.Transitions.Cast<long>(), two.Transitions.Cast<long>());
        Assert.Equal(one.OccupationStandardErrors(), two.OccupationStandardErrors());
        Assert.Equal(one.Trace, two.Trace);
        Assert.Equal(one.FinalPositions, two.FinalPositions);
    }

    /// <summary>
    /// The two-state process of <see cref="EscapeRunnerTests"/>: right → left with probability pR per step, left →
    /// right with pL. Its relaxation time is exactly 1/(pR + pL) (to first order in the rates; the discrete chain's
    /// eigenvalue is 1 − pR − pL), its stationary left occupation pR/(pR + pL).
    /// </summary>
    private sealed class TwoStateMap(MultiscaleObjective objective, double pRight, double pLeft) : OptimizerMap(objective, 1)
    {
        public override string Name => "two-state";
        public override bool IsStochastic => true;

        public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
        {
            for (int i = 0; i < count; i++)
            {
                double u = rng.NextDouble();
                if (state[i] > 0) { if (u < pRight) state[i] = -1; }
                else if (u < pLeft) state[i] = 1;
            }
        }

        public override OptimizerMap WithLearningRate(double learningRate) => this;
        public override OptimizerMap WithObjective(IScalarField objective) => this;
    }

    // doublewell-sin: wells (−∞, 0) and (0, ∞), cores around ∓1; the two-state process jumps between ±1
    private static readonly MultiscaleObjective DoubleWell = ObjectiveCatalog.Create("doublewell-sin");

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void TheDefaultBurnInGivesTheStationaryOccupation(ulong seed)
    {
        const double pR = 0.004, pL = 0.001, stationaryLeft = pR / (pR + pL), tau = 1 / (pR + pL);
        const int n = 20_480, k = 4000; // 20 blocks of 1024 for the block-spread standard error
        var a = EscapeAnalysis.Run(new EscapeRequest { Map = new TwoStateMap(DoubleWell, pR, pL), Particles = n, Steps = k, Seed = seed });
        Assert.Equal(1, a.StartWell);
        Assert.True(a.BurnIn.Equilibrated);
        Assert.Empty(a.BurnIn.Warnings);
        // ~1.6e5 transitions: τ to about 1 %; the discrete chain's exact τ is −1/ln(1 − pR − pL) = 199.5
        Assert.InRange(a.BurnIn.RelaxationTime!.Value, 0.95 * tau, 1.05 * tau);
        Assert.InRange(a.BurnIn.BurnIn, 0.95 * 5 * tau, 1.05 * 5 * tau + k / 200.0);
        Assert.Contains("relaxation times", a.BurnIn.Rule);
        var left = a.PerWell[0];
        // bias left by the transient after 5τ: at most δ₀e^(−5)τ/(K − B) = 0.8·0.0067·200/3000 = 3.6e-4.
        // Tolerance 5 SE + that bias: with 20 blocks the studentized error is t₁₉, P(|t| > 5) ≈ 8e-5 per seed.
        double bias = stationaryLeft * Math.Exp(-5) * tau / (k - a.BurnIn.BurnIn);
        Assert.True(Math.Abs(left.Occupation - stationaryLeft) <= 5 * left.OccupationStdErr + bias,
            $"occupation {left.Occupation} +- {left.OccupationStdErr} vs {stationaryLeft}");
        // the SE is of the size a binomial-with-correlation argument gives: Var ≈ p(1−p)·2τ/(N·(K − B))
        double expectedSe = Math.Sqrt(stationaryLeft * (1 - stationaryLeft) * 2 * tau / ((double)n * (k - a.BurnIn.BurnIn)));
        Assert.InRange(left.OccupationStdErr, 0.5 * expectedSe, 2 * expectedSe);
    }

    [Fact]
    public void BurnInZeroAveragesTheTransientAndSaysSo()
    {
        const double pR = 0.004, pL = 0.001, stationaryLeft = pR / (pR + pL), tau = 1 / (pR + pL);
        const int n = 20_480, k = 4000;
        var a = EscapeAnalysis.Run(new EscapeRequest { Map = new TwoStateMap(DoubleWell, pR, pL), Particles = n, Steps = k, Seed = 1, BurnIn = 0 });
        // the time average of 0.8(1 − e^(−t/τ)) over [0, K] is 0.8(1 − τ/K) = 0.76, far from 0.8
        double transient = stationaryLeft * (1 - tau / k * (1 - Math.Exp(-k / tau)));
        Assert.True(Math.Abs(a.PerWell[0].Occupation - transient) <= 5 * a.PerWell[0].OccupationStdErr + 2e-3);
        Assert.False(a.BurnIn.Equilibrated);
        Assert.Contains(a.BurnIn.Warnings, w => w.Contains("shorter than 5 relaxation times"));
        Assert.StartsWith("given", a.BurnIn.Rule);
    }

    [Fact]
    public void ARunShorterThanTenRelaxationTimesWarns()
    {
        var a = EscapeAnalysis.Run(new EscapeRequest { Map = new TwoStateMap(DoubleWell, 0.004, 0.001), Particles = 4096, Steps = 600, Seed = 5 });
        Assert.False(a.BurnIn.Equilibrated);
        Assert.Equal(300, a.BurnIn.BurnIn); // half the run
        Assert.Contains(a.BurnIn.Warnings, w => w.Contains("too short to equilibrate"));
    }

    [Fact]
    public void NoTransitionMeansNoRelaxationTimeAndAWarning()
    {
        var a = EscapeAnalysis.Run(new EscapeRequest { Map = new TwoStateMap(DoubleWell, 0, 0), Particles = 256, Steps = 100, Seed = 5 });
        Assert.Null(a.BurnIn.RelaxationTime);
        Assert.False(a.BurnIn.Equilibrated);
        Assert.Contains(a.BurnIn.Warnings, w => w.Contains("no transition"));
    }
}
