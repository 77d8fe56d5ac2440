namespace ChaosDescent.Analyses;

/// <summary>The last two settings of an analysis that draws from seeded random streams and runs on worker threads: the
/// seed, and the thread count, which the results do not depend on. They stay last in the listing of the derived
/// settings (reflection and JSON list a record's own properties before those of its base).</summary>
public abstract record SeededSettings
{
    /// <summary><c>seed</c> (default 1).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>threads</c> (default 0 = all cores); results do not depend on it.</summary>
    public int Threads { get; init; }
}
