using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using ChaosDescent.Analyses.Chaos;
using ChaosDescent.Maps;
using ChaosDescent.Numerics;
using ChaosDescent.Objectives;

namespace ChaosDescent.Tests.Analyses.Chaos;

/// <summary>The lane-vectorized attractor probe behind the regime map and bifurcation diagrams.</summary>
public class LaneAttractorProbeTests
{
    private const string DigestVariable = "CHAOSDESCENT_LANE_DIGEST";

    private static RegimeSettings SmallGrid(int path = 0, int threads = 0) => new()
    {
        EtaMin = 1e-3,
        EtaMax = 3,
        EpsMin = 1e-3,
        EpsMax = 1e-1,
        EtaPoints = 14,
        EpsPoints = 5,
        Attractor = new AttractorSettings { MaxSteps = 6_000, MinTransient = 1_000, MaxPeriod = 32 },
        LanePath = path,
        Threads = threads,
    };

    /// <summary>Every number of every cell, bit for bit, plus the step total: equal digests = equal results.</summary>
    private static string Digest(RegimeMapResult r)
    {
        using var sha = SHA256.Create();
        var bytes = new List<byte>();
        foreach (var c in r.Cells)
        {
            bytes.AddRange(BitConverter.GetBytes((int)c.Regime));
            bytes.AddRange(BitConverter.GetBytes(c.Period));
            foreach (var v in new[] { c.Lambda, c.LambdaStdErr, c.ExtentOverEps }) bytes.AddRange(BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(v)));
            bytes.AddRange(BitConverter.GetBytes(c.DivergedAtStep ?? -1));
        }
        bytes.AddRange(BitConverter.GetBytes(r.StepsTotal));
        return Convert.ToHexString(sha.ComputeHash(bytes.ToArray()));
    }

    // one sine term (the register kernel) and two (quasi-periodic: the general kernel)
    private static string DigestOf(string objective, int path = 0, int threads = 0)
    {
        var f = ObjectiveCatalog.Create(objective);
        var r = RegimeMap.Run(MapFactory.Create("gd", f, 0.1), SmallGrid(path, threads));
        Assert.True(r.Lanes);
        return Digest(r);
    }

    private static int[] Paths => new[] { FastTrig.UseV512 ? 512 : 0, FastTrig.UseV256 ? 256 : 0, 1 }.Where(p => p > 0).ToArray();

    [Fact]
    public void PortableSinCosIsBitIdenticalToTheVectorKernels()
    {
        var rng = Xoshiro256.ForStream(5, 0);
        for (int k = 0; k < 20_000; k++)
        {
            // log-uniform magnitudes 1e-6 … 1e8 (the documented range), both signs
            double x = Math.Exp(Math.Log(1e-6) + rng.NextDouble() * Math.Log(1e14)) * (k % 2 == 0 ? 1 : -1);
            var (s, c) = FastTrig.SinCosPortable(x);
            Assert.True(Math.Abs(s - Math.Sin(x)) <= Math.Pow(2, -51) && Math.Abs(c - Math.Cos(x)) <= Math.Pow(2, -51), $"x = {x:R}");
            if (FastTrig.UseV256)
            {
                var (vs, vc) = FastTrig.SinCosV256(Vector256.Create(x));
                Assert.Equal(BitConverter.DoubleToInt64Bits(s), BitConverter.DoubleToInt64Bits(vs[2]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(c), BitConverter.DoubleToInt64Bits(vc[1]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(FastTrig.SinV256(Vector256.Create(x))[0]), BitConverter.DoubleToInt64Bits(s));
            }
            if (FastTrig.UseV512)
            {
                var (vs, vc) = FastTrig.SinCosV512(Vector512.Create(x));
                Assert.Equal(BitConverter.DoubleToInt64Bits(s), BitConverter.DoubleToInt64Bits(vs[5]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(c), BitConverter.DoubleToInt64Bits(vc[7]));
            }
        }
    }

    [Theory]
    [InlineData("quartic-sin")]
    [InlineData("quartic-quasiperiodic")]
    public void ResultsDoNotDependOnTheKernelPathOrThreads(string objective)
    {
        var digests = Paths.Select(p => DigestOf(objective, p, 1)).ToArray();
        Assert.All(digests, d => Assert.Equal(digests[0], d));
        Assert.Equal(digests[0], DigestOf(objective, 0, 2));
    }

    /// <summary>The parent's digest, recomputed in a child process with narrower SIMD (see the dispatch test below).</summary>
    [Fact]
    public void DigestEqualsTheParentsWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(DigestVariable) is not { Length: > 0 } expected) return; // only in a child run
        var parts = expected.Split(';');
        Assert.Equal(parts[0], DigestOf("quartic-sin"));
        Assert.Equal(parts[1], DigestOf("quartic-quasiperiodic"));
    }

    public static TheoryData<string> Switches => new() { "DOTNET_EnableAVX512", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic" };

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task NarrowerSimdGivesTheSameBits(string switchName)
    {
        if (Environment.GetEnvironmentVariable(DigestVariable) is { Length: > 0 }) return; // inside a child already
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ChaosDescent.Tests.Numerics.FastTrigChecks.ExpectPathVariable))) return;
        // switching off what this machine does not have changes nothing: skip (AVX-512 absent here → that run is a repeat)
        if (switchName == "DOTNET_EnableAVX512" && !FastTrig.UseV512) return;
        string digest = DigestOf("quartic-sin") + ";" + DigestOf("quartic-quasiperiodic");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "test", typeof(LaneAttractorProbeTests).Assembly.Location, "--nologo",
                     "--filter", "FullyQualifiedName=ChaosDescent.Tests.Analyses.Chaos.LaneAttractorProbeTests.DigestEqualsTheParentsWhenAsked",
                 })
            psi.ArgumentList.Add(arg);
        psi.Environment[switchName] = "0";
        psi.Environment[DigestVariable] = digest;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"child run with {switchName}=0 failed (exit {process.ExitCode}):\n{output}");
        var summary = System.Text.RegularExpressions.Regex.Match(output, @"Failed:\s+(\d+),\s+Passed:\s+(\d+),");
        Assert.True(summary.Success, $"no test summary in the child's output:\n{output}");
        Assert.Equal("0", summary.Groups[1].Value);
        Assert.Equal("1", summary.Groups[2].Value);
    }

    [Fact]
    public void LogisticConjugatesHaveTheirKnownPeriodsAndExponents()
    {
        // GD on x²/2 − x³/3 with η = r − 1 is affinely conjugate to the logistic map x ← r x(1 − x): stable cycles of period 1, 2, 4 at r = 2.8, 3.2, 3.5, the period-3 window at
        // r = 3.835, and at r = 4 the exact λ = ln 2 (Ulam–von Neumann).
        double[] r = [2.8, 3.2, 3.5, 3.835, 4.0];
        int[] period = [1, 2, 4, 3, 0];
        var map = TestMaps.Logistic(3);
        var s = new AttractorSettings { MaxSteps = 60_000 };
        var reports = new AttractorReport[r.Length];
        long steps = LaneAttractorProbe.Run(map, 0.1, r.Length, i => map.WithLearningRate(r[i] - 1), _ => s.MaxSteps, s, (i, rep) => reports[i] = rep, 1);
        Assert.Equal(reports.Sum(x => x.Steps), steps);
        for (int i = 0; i < r.Length; i++)
        {
            Assert.False(reports[i].Diverged);
            Assert.Equal(period[i], reports[i].Period);
            // on a cycle λ is exact (ln|multiplier|/p) and must equal the one-orbit probe's to rounding
            if (period[i] > 0)
                Assert.Equal(AttractorProbe.Run(map.WithLearningRate(r[i] - 1), [0.1], s).Lambda, reports[i].Lambda, 9);
        }
        // r = 4: batch means of 1024 steps over ~57 batches; 4 standard errors (false alarm ≈ 6e-5) plus the
        // O(1/batch) bias of a time average that is below 1e-3 here
        var chaos = reports[^1];
        Assert.True(Math.Abs(chaos.Lambda - Math.Log(2)) < 4 * chaos.LambdaStdErr + 1e-3, $"λ = {chaos.Lambda} ± {chaos.LambdaStdErr}");
    }

    [Fact]
    public void DivergenceIsReportedAtTheFirstStepOutsideTheBound()
    {
        // GD on x²/2 − x³/3 from x0 = 1.5 (beyond the repelling fixed point x = 1): the orbit runs off to −∞; the step
        // it first leaves |x| ≤ 1e6 is the same as the one-orbit probe's (the cubic is exact to rounding there)
        var map = TestMaps.Logistic(3.2);
        var s = new AttractorSettings();
        AttractorReport? lane = null;
        LaneAttractorProbe.Run(map, 1.5, 1, _ => map, _ => s.MaxSteps, s, (_, rep) => lane = rep, 1);
        var one = AttractorProbe.Run(map, [1.5], s);
        Assert.True(lane!.Diverged);
        Assert.Equal(one.DivergedAtStep, lane.DivergedAtStep);
    }

    [Fact]
    public void RegimeMapReportsItsStepsAndAgreesWithTheOneOrbitPathOnNonChaoticCells()
    {
        var f = ObjectiveCatalog.Create("quadratic-sin");
        var map = MapFactory.Create("gd", f, 0.1);
        var lanes = RegimeMap.Run(map, SmallGrid());
        var one = RegimeMap.Run(map, SmallGrid() with { Lanes = false });
        Assert.True(lanes.Lanes);
        Assert.False(one.Lanes);
        Assert.True(lanes.StepsTotal >= lanes.Cells.Length && lanes.CellStepsPerSecond > 0);
        for (int k = 0; k < one.Cells.Length; k++)
        {
            // divergence and convergence below the chaos threshold are decided by the macro- and micro-scale
            // stability bounds, far from any rounding: the two paths must agree exactly on them
            var a = one.Cells[k];
            var b = lanes.Cells[k];
            if (a.Eta > 2 || a.Eta < 2 * a.Eps / (1 + a.Eps)) Assert.Equal(a.Regime, b.Regime);
            if (a.Regime == Regime.Converges && b.Regime == Regime.Converges) Assert.Equal(a.Lambda, b.Lambda, 9);
        }
    }
}
