using ChaosDescent.Reporting.Reproduction;
using ChaosDescent.Reporting.Reproduction.Landscapes;

namespace ChaosDescent.Tests.Reporting.Reproduction.Landscapes;

public class LandscapeReproductionTests
{
    [Fact]
    public void CheapExperimentsPassTheirChecksInQuickMode()
    {
        var dir = Directory.CreateTempSubdirectory("landscapes-report-").FullName;
        var context = new ReproductionContext { Quick = true, OutputDirectory = dir, Threads = 1 };
        foreach (IReproduction r in new IReproduction[] { new WellConnectivityReproduction(), new MicroEscapeReproduction() })
        {
            var result = r.Run(context);
            Assert.NotEmpty(result.Checks);
            Assert.All(result.Checks, c => Assert.True(c.Pass, $"{r.Id}/{c.Id}: measured {c.Measured}, expected {c.ExpectationText}"));
            Assert.All(result.Figures, f => Assert.True(File.Exists(Path.Combine(context.FigureDirectory, f.Name + ".png"))));
            Assert.InRange(r.Order, 300, 399);
        }
    }
}
