using ChaosDescent.Analyses;
using ChaosDescent.Numerics;
using ChaosDescent.Reporting.Reproduction;
using ChaosDescent.Reporting.Reproduction.Distribution;
using ChaosDescent.Statistics;

namespace ChaosDescent.Tests.Reporting.Reproduction.Distribution;

/// <summary>The helpers of the distribution experiments (closed forms), and the two cheap experiments end to end.</summary>
public sealed class DistributionExperimentTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cd-dist-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.9)]
    public void Autocorrelation_time_of_an_AR1_series_is_one_plus_rho_over_one_minus_rho(double rho)
    {
        // x_{n+1} = ρ x_n + ξ_n: ρ_k = ρ^k, τ = (1 + ρ)/(1 − ρ). With n = 200 000 and Sokal's window M ≈ 6τ the
        // estimator's relative standard deviation is about √(2(2M + 1)/n) ≈ 5 % at ρ = 0.9; the tolerance is 4 of them.
        const int n = 200_000;
        var rng = Xoshiro256.ForStream(42, 0);
        var x = new double[n];
        double v = 0;
        for (int i = 0; i < n; i++)
        {
            v = rho * v + rng.NextGaussian();
            x[i] = v;
        }
        double tau = Autocorrelation.IntegratedTime(x, out bool converged);
        double expected = (1 + rho) / (1 - rho);
        Assert.True(converged);
        Assert.InRange(tau, expected * 0.8, expected * 1.2 + 0.05);
    }

    [Fact]
    public void W1_noise_bound_of_the_uniform_law_is_pi_over_8_root_n()
    {
        var uniform = new TabulatedDistribution(0, 1, Enumerable.Repeat(1.0, 2001).ToArray());
        Assert.Equal(Math.PI / 8 / 100, DistributionTools.W1NoiseBound(uniform, 10_000), 1e-5);
    }

    [Fact]
    public void Heatmap_density_integrates_to_the_mass_inside()
    {
        var h = new Histogram2D(-1, 1, 10, -2, 2, 8);
        var rng = Xoshiro256.ForStream(1, 0);
        for (int i = 0; i < 5000; i++) h.Add(rng.NextDouble(-1.5, 1.5), rng.NextDouble(-2, 2));
        var z = DistributionTools.HeatmapDensity(h);
        Assert.Equal(8, z.GetLength(0));
        Assert.Equal(10, z.GetLength(1));
        double mass = 0;
        foreach (var v in z) if (!double.IsNaN(v)) mass += v * h.WidthX * h.WidthY;
        Assert.Equal((h.Total - h.Outside) / (double)h.Total, mass, 1e-12);
    }

    [Fact]
    public void Seeds_are_stable_and_differ_by_label()
    {
        Assert.Equal(DistributionTools.SeedFor(7, "fig3.gd"), DistributionTools.SeedFor(7, "fig3.gd"));
        Assert.NotEqual(DistributionTools.SeedFor(7, "fig3.gd"), DistributionTools.SeedFor(7, "fig3.sm"));
        Assert.NotEqual(DistributionTools.SeedFor(7, "fig3.gd"), DistributionTools.SeedFor(8, "fig3.gd"));
    }

    [Fact]
    public void The_distribution_experiments_are_discovered_in_their_order_range()
    {
        var ids = ReportDriver.Discover().Where(e => e.Order is >= 100 and < 200).Select(e => e.Id).ToList();
        Assert.Equal(["fig1", "fig3", "fig4", "fig5", "fig10-12"], ids);
    }

    [Fact]
    public void Fig1_and_fig5_run_quick_with_every_check_passing()
    {
        var results = new ReportDriver(new ReportOptions { OutputDirectory = _dir, Quick = true, Seed = 20201206 },
            [new Fig1Landscape(), new Fig5NestedCosine()]).Run();
        Assert.All(results.Checks, c => Assert.True(c.Pass, $"{c.Id}: measured {c.Measured}, expected {c.Expectation}"));
        Assert.True(results.AllPassed);
        foreach (var e in results.Experiments)
        {
            Assert.NotEmpty(e.Figures);
            Assert.All(e.Figures, f => Assert.True(File.Exists(Path.Combine(_dir, f.Png!))));
            Assert.All(e.DataFiles, d => Assert.True(File.Exists(Path.Combine(_dir, d))));
        }
        // Fig. 5's central number: every GD orbit contracts at least as fast as the proved factor 1 − η(1 − ω²).
        var gd = results.Checks.Single(c => c.Id == "fig5.gd_contracts");
        Assert.True(gd.Measured <= gd.Expected);
    }
}
