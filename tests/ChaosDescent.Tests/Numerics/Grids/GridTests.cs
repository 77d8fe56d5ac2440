using ChaosDescent.Numerics.Grids;

namespace ChaosDescent.Tests.Numerics.Grids;

public class GridTests
{
    [Fact]
    public void Linspace_and_logspace_include_both_ends_and_are_evenly_spaced()
    {
        var lin = Grid.Linspace(-1, 2, 4);
        Assert.Equal([-1.0, 0, 1, 2], lin);
        var log = Grid.LogSpace(1e-3, 1e1, 5);
        Assert.Equal(5, log.Length);
        for (int i = 0; i < log.Length; i++) Assert.Equal(-3 + i, Math.Log10(log[i]), 12);
    }
}
