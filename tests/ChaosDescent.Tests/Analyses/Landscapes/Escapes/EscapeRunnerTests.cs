using ChaosDescent.Analyses.Landscapes.Escapes;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;
using ChaosDescent.Runners;

namespace ChaosDescent.Tests.Analyses.Landscapes.Escapes;

public class EscapeRunnerTests
{
    /// <summary>
    /// A two-state process with a known answer: a particle at x &gt; 0 jumps to −1 with probability pRight per step, one
    /// at x &lt; 0 jumps to +1 with probability pLeft; otherwise it stays. Exit times are Geometric(p) exactly, the
    /// rates are p, and the stationary occupation of the left state is pRight/(pLeft + pRight).
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

    private static readonly MultiscaleObjective Dummy = ObjectiveCatalog.Create("doublewell-sin");
    private static readonly RegionPartition TwoWells = new([0.0], [(-2, -0.5), (0.5, 2)]);

    [Fact]
    public void ExitTimesRatesAndOccupationOfAKnownProcess()
    {
        const double pR = 0.004, pL = 0.001;
        const int n = 4000, k = 400;
        var r = EscapeRunner.Run(new TwoStateMap(Dummy, pR, pL), TwoWells, new EscapeSettings
        {
            Particles = n,
            Steps = k,
            Seed = 3,
            Initial = new FixedPoint([1.0]),
            BlockSize = 256,
        });
        var s = r.FirstExitTimes(1);
        Assert.Equal(n, s.Count);
        // (1 − 0.004)^400 ≈ 20 % censored
        Assert.InRange(s.Censored, 0.15 * n, 0.25 * n);
        double info = s.Exits / (pR * pR) + (s.Exposure - s.Exits) / ((1 - pR) * (1 - pR));
        Assert.InRange(s.ExitProbabilityPerStep, pR - 4 / Math.Sqrt(info), pR + 4 / Math.Sqrt(info));
        var (_, lo, hi, method) = s.MeanExitTime();
        Assert.Equal("geometric_mle_censored", method);
        Assert.InRange(1 / pR, lo, hi);
        // exposure-based rates (all sojourns, censored ones included)
        Assert.InRange(r.Rate(1, 0), pR * 0.9, pR * 1.1);
        Assert.InRange(r.Rate(0, 1), pL * 0.5, pL * 1.5); // few left-state sojourns: a wide band
        var occ = r.OccupationFromRates();
        Assert.Equal(1, occ.Sum(), 1e-12);
        Assert.Equal(0, r.Diverged);
        Assert.Equal((long)n * k, r.Exposure.Sum());
        Assert.Equal((long)n * k, r.Occupation.Sum());
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var settings = new EscapeSettings { Particles = 3000, Steps = 200, Seed = 11, Initial = new FixedPoint([1.0]), BlockSize = 512 };
        var map = new TwoStateMap(Dummy, 0.01, 0.02);
        var one = EscapeRunner.Run(map, TwoWells, settings with { Threads = 1 });
        var two = EscapeRunner.Run(map, TwoWells, settings with { Threads = 2 });
        Assert.Equal(one.FirstExitStep, two.FirstExitStep);
        Assert.Equal(one.FinalPositions, two.FinalPositions);
        Assert.Equal(one.Exposure, two.Exposure);
        Assert.Equal(one.Transitions.Cast<long>(), two.Transitions.Cast<long>());
    }

    [Fact]
    public void CoresIgnoreRecrossingsOfTheBarrierTop()
    {
        // a particle that oscillates between 0.1 and −0.1 never reaches the other core [−2, −0.5]: no transition
        var map = new Oscillator(Dummy);
        var r = EscapeRunner.Run(map, TwoWells, new EscapeSettings { Particles = 8, Steps = 100, Initial = new FixedPoint([0.1]) });
        Assert.All(r.FirstExitStep, s => Assert.Equal(0, s));
        Assert.Equal(0, r.ExitsFrom(1));
        Assert.Equal(400L, r.Occupation[0]); // half of the 8·100 particle-steps on the left of 0
    }

    private sealed class Oscillator(MultiscaleObjective objective) : OptimizerMap(objective, 1)
    {
        public override string Name => "oscillator";
        public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
        {
            for (int i = 0; i < count; i++) state[i] = -state[i];
        }
        public override OptimizerMap WithLearningRate(double learningRate) => this;
        public override OptimizerMap WithObjective(IScalarField objective) => this;
    }

    [Fact]
    public void DivergedParticlesAreCensoredAtTheirDivergenceStep()
    {
        var r = EscapeRunner.Run(new Exploder(Dummy), TwoWells, new EscapeSettings { Particles = 10, Steps = 50, Initial = new FixedPoint([1.0]) });
        Assert.Equal(10, r.Diverged);
        Assert.Equal(4, r.DivergedFirstStep); // 100, 1e4, 1e6 (still inside the bound), 1e8
        var s = r.FirstExitTimes(1);
        Assert.Equal(0, s.Exits);
        Assert.Equal(40, s.Exposure); // 10 runs censored at step 4
    }

    private sealed class Exploder(MultiscaleObjective objective) : OptimizerMap(objective, 1)
    {
        public override string Name => "exploder";
        public override void Step(Span<double> state, int count, ref Xoshiro256 rng, Span<double> scratch)
        {
            for (int i = 0; i < count; i++) state[i] *= 100;
        }
        public override OptimizerMap WithLearningRate(double learningRate) => this;
        public override OptimizerMap WithObjective(IScalarField objective) => this;
    }

    [Fact]
    public void MicroWellAndItsEscapeThreshold()
    {
        var obj = ObjectiveCatalog.Create("quadratic-sin", 1e-3);
        var w = MicroWell.Find(obj, 0.5);
        Assert.Equal(0, obj.Derivative(w.Minimum), 1e-9);
        Assert.Equal(0, obj.Derivative(w.Lo), 1e-9);
        Assert.Equal(0, obj.Derivative(w.Hi), 1e-9);
        Assert.True(w.Lo < w.Minimum && w.Minimum < w.Hi);
        // f'' = 1 − sin(x/ε)/ε and cos(x*/ε) = −x* at the minimum, sin < 0
        Assert.Equal(1 + Math.Sqrt(1 - w.Minimum * w.Minimum) / 1e-3, w.Curvature, 1e-6 * w.Curvature);
        Assert.InRange(w.Width, 0.9 * 2 * Math.PI * 1e-3, 1.1 * 2 * Math.PI * 1e-3); // one period of the micro-scale
        var below = MicroEscape.Run(new GradientDescentMap(obj, 1e-3), w, 200, 500, 1, 1);
        var above = MicroEscape.Run(new GradientDescentMap(obj, 6e-3), w, 200, 500, 1, 1);
        Assert.Equal(0, below.EscapeProbability);
        Assert.Equal(1, above.EscapeProbability);
    }

    [Fact]
    public void WilsonIntervalAtTheExtremes()
    {
        var (lo, hi) = MicroEscape.Wilson(0, 100);
        Assert.Equal(0, lo, 1e-15);
        Assert.Equal(3.8415 / (100 + 3.8415), hi, 1e-4);
        var (lo2, hi2) = MicroEscape.Wilson(50, 100);
        Assert.True(lo2 < 0.5 && hi2 > 0.5 && Math.Abs(0.5 - lo2 - (hi2 - 0.5)) < 1e-12);
    }
}
