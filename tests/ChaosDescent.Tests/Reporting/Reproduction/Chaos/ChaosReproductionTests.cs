using ChaosDescent.Reporting.Reproduction;

namespace ChaosDescent.Tests.Reporting.Reproduction.Chaos;

/// <summary>Every chaos experiment of the report runs in --quick mode and all its checks pass.</summary>
public class ChaosReproductionTests
{
    [Fact]
    public void QuickChaosReproductionsPassTheirChecks()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cd-chaos-report-" + Guid.NewGuid().ToString("N")[..8]);
        var reps = typeof(IReproduction).Assembly.GetTypes()
            .Where(t => typeof(IReproduction).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.Namespace!.EndsWith(".Chaos"))
            .Select(t => (IReproduction)Activator.CreateInstance(t)!).OrderBy(r => r.Order).ToArray();
        Assert.Equal(8, reps.Length);
        Assert.All(reps, r => Assert.InRange(r.Order, 200, 299));
        foreach (var r in reps)
        {
            var res = r.Run(new ReproductionContext { Quick = true, OutputDirectory = dir });
            Assert.NotEmpty(res.Checks);
            Assert.All(res.Checks, c => Assert.True(c.Pass, $"{r.Id}/{c.Id}: measured {c.Measured}, expected {c.ExpectationText}"));
            Assert.All(res.Figures, f => Assert.True(File.Exists(Path.Combine(dir, "figures", f.Name + ".png")), f.Name));
            Assert.All(res.DataFiles, f => Assert.True(File.Exists(Path.Combine(dir, f)), f));
        }
        Directory.Delete(dir, true);
    }
}
