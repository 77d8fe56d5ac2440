using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ChaosDescent.Analyses;
using ChaosDescent.Expressions;
using ChaosDescent.Maps;
using ChaosDescent.Objectives;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>One axis of a unit's grid and the value it takes there.</summary>
public readonly record struct Coordinate(string Axis, double Value);

/// <summary>
/// One work unit of a sweep: an analysis at one point of the grid. <see cref="Index"/> is its place in the plan
/// (analyses in file order, then the grid with the last axis fastest); <see cref="Seed"/> is fixed by the plan, so a
/// unit's result does not depend on which process, shard or thread runs it.
/// </summary>
public sealed record SweepUnit(int Index, string Analysis, string Label, IReadOnlyList<Coordinate> Coordinates, ulong? Seed);

/// <summary>An axis of one analysis's grid (several zipped axes advance together as one).</summary>
public sealed record SweepAxis(IReadOnlyList<string> Names, IReadOnlyList<IReadOnlyList<double>> Values, bool Log)
{
    public int Count => Values[0].Count;
}

/// <summary>
/// An experiment file expanded into an ordered list of work units. Any numeric setting written as a list or a
/// range is an axis: <c>eta</c>, <c>eps</c>, <c>seed</c>, objective <c>params</c>, map options, ensemble/orbit
/// settings and an analysis's own settings. Axes span a full grid in file order (last axis fastest) unless
/// <c>zip</c> pairs them. Keys bind directly to the analyses' settings records (<see cref="SettingsBinder"/>).
/// <para>Seeds: with <c>seeds: derived</c> (the default) unit i gets the i-th output of SplitMix64 (Steele, Lea &amp;
/// Flood 2014) seeded with the file's seed, so units draw unrelated random numbers and a unit's seed depends only
/// on the file and its index; an explicit seed axis (<c>seed: [1, 2, 3]</c>) gives its seeds verbatim (replicates),
/// and <c>seeds: fixed</c> gives every unit the file's seed.</para>
/// </summary>
public sealed class SweepPlan
{
    private readonly List<Block> _blocks;

    public Experiment Experiment { get; }

    public int Count { get; }

    /// <summary>SHA-256 of the file's text and of the expanded plan (every unit's analysis, coordinates and seed).</summary>
    public string Hash { get; }

    private SweepPlan(Experiment experiment, List<Block> blocks)
    {
        Experiment = experiment;
        _blocks = blocks;
        Count = blocks.Sum(b => b.Count);
        Hash = ComputeHash();
    }

    /// <summary>The analyses of the plan with their axes, in file order.</summary>
    public IEnumerable<(string Analysis, string Label, IReadOnlyList<SweepAxis> Axes, int First, int Count)> Analyses =>
        _blocks.Select(b => (b.Entry.Name, b.Label, (IReadOnlyList<SweepAxis>)b.Axes, b.Offset, b.Count));

    public static SweepPlan Expand(Experiment experiment)
    {
        var blocks = new List<Block>();
        var shared = SharedSlots(experiment);
        var sharedUsed = new HashSet<Setting>();
        int offset = 0;
        var names = experiment.Analyses.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Count());
        int[] occurrence = new int[experiment.Analyses.Count];
        foreach (var (analysis, ai) in experiment.Analyses.Select((a, i) => (a, i)))
        {
            var entry = AnalysisCatalog.Find(analysis.Name) ?? throw analysis.Position.Error(
                $"unknown analysis '{analysis.Name}'; known: {string.Join(", ", AnalysisCatalog.All.Select(a => a.Name))}");
            occurrence[ai] = experiment.Analyses.Take(ai).Count(a => a.Name == analysis.Name) + 1;
            string label = names[analysis.Name] > 1 ? $"{entry.Name}#{occurrence[ai]}" : entry.Name;
            var slots = new List<Slot>();
            foreach (var s in shared)
            {
                if (analysis.Settings.Any(o => o.Key == s.Setting.Key || (s.SystemKey is { } sk && o.Key == sk))) continue; // own value wins
                if (s.Kind == SlotKind.ModeSetting)
                {
                    var prop = SettingsBinder.Find(entry.SettingsType, s.Setting.Key);
                    if (prop is null) continue;
                    slots.Add(s with { Property = prop, Type = prop.PropertyType });
                    sharedUsed.Add(s.Setting);
                }
                else slots.Add(s);
            }
            foreach (var own in analysis.Settings)
            {
                if (own.Key is "threads") throw own.KeyPosition.Error("threads are set for the whole run (--threads), not per analysis");
                if (own.Key is "seed")
                {
                    slots.RemoveAll(x => x.Kind == SlotKind.Seed);
                    slots.Add(SystemSlot(own, "seed")!);
                    continue;
                }
                var prop = SettingsBinder.Find(entry.SettingsType, own.Key);
                if (prop is not null)
                {
                    slots.Add(new Slot(SlotKind.Setting, own, own.Key, prop, prop.PropertyType, null));
                    continue;
                }
                var system = SystemSlot(own, own.Key);
                if (system is not null)
                {
                    slots.Add(system);
                    continue;
                }
                throw own.KeyPosition.Error($"'{own.Key}' is not a setting of '{entry.Name}'; its settings: " +
                    $"{string.Join(", ", SettingsBinder.Keys(entry.SettingsType).Where(k => k != "threads").Order())}; system: eta, eps, map, momentum, mu, seed");
            }
            // The mode section (orbit or ensemble) selects the analysis's mode where it has one.
            if (experiment.Mode is { } mode && SettingsBinder.Find(entry.SettingsType, "orbit") is { PropertyType: var ot } orbitProp && ot == typeof(bool))
                slots.Add(new Slot(SlotKind.Setting, new Setting("orbit", new ScalarValue(mode == "orbit" ? "true" : "false", false, experiment.ModePosition!.Value), experiment.ModePosition.Value),
                    "orbit", orbitProp, typeof(bool), null));

            var axes = new List<(Slot Slot, IReadOnlyList<double> Values, bool Log)>();
            var fixedSlots = new List<Slot>();
            foreach (var slot in slots)
            {
                bool numeric = SettingsBinder.IsNumeric(slot.Type);
                bool sequence = SettingsBinder.IsSequence(slot.Type);
                switch (slot.Setting.Value)
                {
                    case ScalarValue one when slot.Kind == SlotKind.Seed:
                        axes.Add((slot, [SeedNumber(one)], false));
                        break;
                    case ListValue seeds when slot.Kind == SlotKind.Seed:
                        axes.Add((slot, seeds.Items.Select(i => i is ScalarValue s ? SeedNumber(s) : throw i.Position.Error("expected a seed")).ToArray(), false));
                        break;
                    case RangeValue r when numeric:
                        axes.Add((slot, r.Values, r.Log));
                        break;
                    case ListValue l when numeric:
                        axes.Add((slot, l.Items.Select(i => i is ScalarValue s ? ExperimentFile.Number(s) : throw i.Position.Error("expected a number")).ToArray(), false));
                        break;
                    case RangeValue or ListValue when !numeric && !sequence:
                        throw slot.Setting.Value.Position.Error($"'{slot.Setting.Key}' is not numeric ({Describe(slot.Type)}): only numeric settings can be axes");
                    default:
                        fixedSlots.Add(slot);
                        break;
                }
            }
            // Validate every fixed value once, here, so a bad setting stops the plan with its line.
            foreach (var slot in fixedSlots.Where(s => s.Property is not null)) SettingsBinder.Convert(slot.Setting.Value, slot.Type);
            foreach (var (slot, values, _) in axes)
                foreach (var v in values)
                    if (slot.Property is not null && slot.Kind != SlotKind.Seed) SettingsBinder.FromNumber(v, slot.Type, slot.Setting.Value.Position);

            var grid = ZipAxes(experiment, axes);
            var seedProperty = SettingsBinder.Find(entry.SettingsType, "seed");
            long count = 1;
            foreach (var a in grid) count *= a.Axis.Count;
            if (offset + count > int.MaxValue / 2)
                throw analysis.Position.Error($"the grid has {count} units; split it into several files");
            var block = new Block(entry, label, analysis, offset, (int)count, grid.Select(g => g.Axis).ToList(), grid.Select(g => g.Slots).ToList(),
                fixedSlots, seedProperty);
            blocks.Add(block);
            offset += (int)count;
        }
        foreach (var s in shared.Where(s => s.Kind == SlotKind.ModeSetting))
            if (!sharedUsed.Contains(s.Setting) && !experiment.Analyses.Any(a => a.Settings.Any(o => o.Key == s.Setting.Key)))
                throw s.Setting.KeyPosition.Error($"'{s.Setting.Key}' is not a setting of any analysis in this experiment ({string.Join(", ", experiment.Analyses.Select(a => a.Name).Distinct())})");
        foreach (var z in experiment.Zip)
            foreach (var name in z.Axes)
                if (!blocks.Any(b => b.Axes.Any(a => a.Names.Contains(name))))
                    throw z.Position.Error($"'{name}' is not an axis of this experiment (an axis is a numeric setting written as a list or a range)");
        return new SweepPlan(experiment, blocks);
    }

    /// <summary>Unit <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public SweepUnit Unit(int index)
    {
        var (block, local) = Locate(index);
        var coords = new List<Coordinate>();
        foreach (var (axis, k) in block.Digits(local))
            for (int n = 0; n < axis.Names.Count; n++) coords.Add(new Coordinate(axis.Names[n], axis.Values[n][k]));
        ulong? seed = block.SeedProperty is null ? null : SeedOf(block, index, coords);
        var label = block.Label + string.Concat(coords.Select(c => $"_{c.Axis}={F(c.Value)}"));
        return new SweepUnit(index, block.Entry.Name, label, coords, seed);
    }

    /// <summary>All units, in order.</summary>
    public IEnumerable<SweepUnit> Units => Enumerable.Range(0, Count).Select(Unit);

    /// <summary>The units of shard <paramref name="shard"/> of <paramref name="shards"/>: every N-th unit from the
    /// I-th, so shard sizes differ by at most one and neighbouring (similarly costly) cells spread over the shards.</summary>
    public static IEnumerable<int> ShardIndices(int count, int shard, int shards)
    {
        for (int i = shard; i < count; i += shards) yield return i;
    }

    /// <summary>The analysis, system and settings record of a unit, ready to run. <paramref name="threads"/> goes into
    /// the settings' <c>Threads</c> where there is one (results do not depend on it).</summary>
    public (IAnalysis Analysis, DescentSystem System, object Settings) Build(SweepUnit unit, int threads = 1)
    {
        var (block, local) = Locate(unit.Index);
        var b = new Builder(block.Entry.DefaultSettings());
        foreach (var slot in block.Fixed) b.Apply(slot, SettingsBinder.Convert(slot.Setting.Value, slot.Type));
        foreach (var (axis, k) in block.Digits(local))
        {
            int ai = block.Axes.IndexOf(axis);
            foreach (var (slot, n) in block.AxisSlots[ai].Select((s, n) => (s, n)))
                b.Apply(slot, slot.Property is null && slot.Kind != SlotKind.Seed ? axis.Values[n][k] : SettingsBinder.FromNumber(axis.Values[n][k], slot.Type, slot.Setting.Value.Position));
        }
        if (block.SeedProperty is { } sp && unit.Seed is { } seed) sp.SetValue(b.Settings, SeedAs(seed, sp.PropertyType));
        if (SettingsBinder.Find(block.Entry.SettingsType, "threads") is { PropertyType: var tt } tp && tt == typeof(int)) tp.SetValue(b.Settings, threads);
        var system = new DescentSystem
        {
            Objective = BuildObjective(Experiment.Objective, b.Eps, b.Parameters),
            Map = b.MapName ?? "gd",
            LearningRate = b.Eta,
            MapOptions = b.MapOptions,
        };
        return (block.Entry, system, b.Settings);
    }

    private static double SeedNumber(ScalarValue s) =>
        ulong.TryParse(s.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v < (1UL << 53)
            ? v : throw s.Position.Error($"expected a non-negative integer seed below 2^53, got '{s.Text}'");

    /// <summary>A 64-bit seed in the type of the settings' seed property (narrower types keep the low bits).</summary>
    private static object SeedAs(ulong seed, Type t) => (Nullable.GetUnderlyingType(t) ?? t) switch
    {
        var u when u == typeof(ulong) => seed,
        var u when u == typeof(long) => unchecked((long)(seed & long.MaxValue)),
        var u when u == typeof(int) => unchecked((int)(seed & int.MaxValue)),
        var u when u == typeof(uint) => unchecked((uint)seed),
        var u => throw new InvalidOperationException($"a seed of type {u.Name} is not supported"),
    };

    private ulong SeedOf(Block block, int index, List<Coordinate> coords)
    {
        if (block.AxisSlots.SelectMany(s => s).Any(s => s.Kind == SlotKind.Seed))
            return (ulong)coords.First(c => c.Axis == "seed").Value;
        ulong fileSeed = Experiment.Seed is ScalarValue s ? ulong.Parse(s.Text, CultureInfo.InvariantCulture) : 1;
        return Experiment.SeedPolicy == "fixed" ? fileSeed : DerivedSeed(fileSeed, index);
    }

    /// <summary>Output <paramref name="index"/> of SplitMix64 seeded with <paramref name="seed"/> (state seed + (index+1)·γ).</summary>
    public static ulong DerivedSeed(ulong seed, long index)
    {
        ulong z = unchecked(seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    private (Block Block, int Local) Locate(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index));
        foreach (var b in _blocks)
            if (index < b.Offset + b.Count) return (b, index - b.Offset);
        throw new InvalidOperationException("unreachable");
    }

    private string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(Experiment.Text));
        sha.AppendData("\n--plan--\n"u8);
        var sb = new StringBuilder();
        foreach (var u in Units)
        {
            sb.Clear();
            sb.Append(u.Index).Append(' ').Append(u.Analysis).Append(' ').Append(u.Seed?.ToString(CultureInfo.InvariantCulture) ?? "-");
            foreach (var c in u.Coordinates) sb.Append(' ').Append(c.Axis).Append('=').Append(F(c.Value));
            sb.Append('\n');
            sha.AppendData(Encoding.UTF8.GetBytes(sb.ToString()));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(Type t) => (Nullable.GetUnderlyingType(t) ?? t) switch
    {
        var u when u == typeof(string) => "text",
        var u when u == typeof(bool) => "true/false",
        var u when u.IsEnum => "a choice",
        var u => u.Name,
    };

    private static MultiscaleObjective? BuildObjective(ObjectiveSection? section, double? eps, Dictionary<string, double> parameters)
    {
        if (section is null) return null;
        try
        {
            return section.CatalogName is { } name
                ? ObjectiveCatalog.Create(name, eps, parameters)
                : ExpressionObjective.Create(section.Formulas! with { Epsilon = eps ?? section.Formulas!.Epsilon });
        }
        catch (UserInputException e)
        {
            throw section.Position.Error(e.Message);
        }
    }

    private static List<(SweepAxis Axis, List<Slot> Slots)> ZipAxes(Experiment experiment, List<(Slot Slot, IReadOnlyList<double> Values, bool Log)> axes)
    {
        var ordered = axes.OrderBy(a => a.Slot.Setting.Value.Position.Line).ThenBy(a => a.Slot.Setting.Value.Position.Column).ToList();
        var result = new List<(SweepAxis, List<Slot>)>();
        var done = new HashSet<int>();
        for (int i = 0; i < ordered.Count; i++)
        {
            if (done.Contains(i)) continue;
            var group = experiment.Zip.FirstOrDefault(z => z.Axes.Contains(ordered[i].Slot.AxisName));
            var members = group is null ? [i]
                : Enumerable.Range(0, ordered.Count).Where(j => group.Axes.Contains(ordered[j].Slot.AxisName)).ToList();
            if (group is not null)
            {
                var missing = group.Axes.Where(n => members.All(j => ordered[j].Slot.AxisName != n)).ToList();
                if (missing.Count > 0 && missing.Count < group.Axes.Count)
                    throw group.Position.Error($"'{string.Join("', '", missing)}' is not an axis here (an axis is a numeric setting written as a list or a range)");
                int n = ordered[members[0]].Values.Count;
                foreach (var j in members)
                    if (ordered[j].Values.Count != n)
                        throw group.Position.Error($"zipped axes need equal lengths: '{ordered[members[0]].Slot.AxisName}' has {n} values, '{ordered[j].Slot.AxisName}' has {ordered[j].Values.Count}");
            }
            foreach (var j in members) done.Add(j);
            result.Add((new SweepAxis(members.Select(j => ordered[j].Slot.AxisName).ToArray(), members.Select(j => ordered[j].Values).ToArray(),
                ordered[members[0]].Log), members.Select(j => ordered[j].Slot).ToList()));
        }
        var dup = result.SelectMany(r => r.Item1.Names).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new UserInputException($"{experiment.File}: two axes are named '{dup.Key}'; rename one");
        return result;
    }

    private static List<Slot> SharedSlots(Experiment e)
    {
        var slots = new List<Slot>();
        if (e.Eta is { } eta) slots.Add(new Slot(SlotKind.Eta, new Setting("eta", eta, eta.Position), "eta", null, typeof(double), "eta"));
        if (e.Eps is { } eps) slots.Add(new Slot(SlotKind.Eps, new Setting("eps", eps, eps.Position), "eps", null, typeof(double), "eps"));
        if (e.Seed is { } seed && seed is not ScalarValue)
            slots.Add(new Slot(SlotKind.Seed, new Setting("seed", seed, seed.Position), "seed", null, typeof(ulong), "seed"));
        if (e.Objective is { } o)
            foreach (var p in o.Parameters) slots.Add(new Slot(SlotKind.Parameter, p, p.Key, null, typeof(double), null));
        if (e.MapName is { } m) slots.Add(new Slot(SlotKind.MapName, m, "map", null, typeof(string), "map"));
        foreach (var mo in e.MapOptions)
            slots.Add(SystemSlot(mo, mo.Key) ?? throw mo.KeyPosition.Error("unknown map option; known: name, momentum, mu"));
        foreach (var s in e.ModeSettings) slots.Add(new Slot(SlotKind.ModeSetting, s, s.Key, null, typeof(string), null));
        return slots;
    }

    private static Slot? SystemSlot(Setting s, string key) => key switch
    {
        "eta" => new Slot(SlotKind.Eta, s, "eta", null, typeof(double), "eta"),
        "eps" => new Slot(SlotKind.Eps, s, "eps", null, typeof(double), "eps"),
        "map" => new Slot(SlotKind.MapName, s, "map", null, typeof(string), "map"),
        "seed" => new Slot(SlotKind.Seed, s, "seed", null, typeof(ulong), "seed"),
        "momentum" => new Slot(SlotKind.MapOption, s, "momentum", typeof(MapOptions).GetProperty(nameof(MapOptions.Momentum)), typeof(double), "momentum"),
        "mu" => new Slot(SlotKind.MapOption, s, "mu", typeof(MapOptions).GetProperty(nameof(MapOptions.StrongConvexity)), typeof(double?), "mu"),
        _ => null,
    };

    private enum SlotKind { Eta, Eps, Seed, Parameter, MapName, MapOption, ModeSetting, Setting }

    /// <summary>Where one file value goes: the system (η, ε, parameters, map), or a property of the settings record.</summary>
    private sealed record Slot(SlotKind Kind, Setting Setting, string AxisName, PropertyInfo? Property, Type Type, string? SystemKey);

    private sealed record Block(IAnalysis Entry, string Label, AnalysisSection Section, int Offset, int Count, List<SweepAxis> Axes,
        List<List<Slot>> AxisSlots, List<Slot> Fixed, PropertyInfo? SeedProperty)
    {
        /// <summary>The index along each axis of local unit <paramref name="local"/> (last axis fastest).</summary>
        public IEnumerable<(SweepAxis Axis, int K)> Digits(int local)
        {
            var digits = new int[Axes.Count];
            for (int a = Axes.Count - 1; a >= 0; a--)
            {
                digits[a] = local % Axes[a].Count;
                local /= Axes[a].Count;
            }
            for (int a = 0; a < Axes.Count; a++) yield return (Axes[a], digits[a]);
        }
    }

    private sealed class Builder(object settings)
    {
        public object Settings { get; } = settings;
        public double? Eta;
        public double? Eps;
        public string? MapName;
        public MapOptions MapOptions = new();
        public readonly Dictionary<string, double> Parameters = [];

        public void Apply(Slot slot, object? value)
        {
            switch (slot.Kind)
            {
                case SlotKind.Eta: Eta = System.Convert.ToDouble(value, CultureInfo.InvariantCulture); break;
                case SlotKind.Eps: Eps = System.Convert.ToDouble(value, CultureInfo.InvariantCulture); break;
                case SlotKind.Parameter: Parameters[slot.Setting.Key] = System.Convert.ToDouble(value, CultureInfo.InvariantCulture); break;
                case SlotKind.MapName: MapName = (string)value!; break;
                case SlotKind.MapOption:
                    MapOptions = slot.Property!.Name == nameof(MapOptions.Momentum)
                        ? MapOptions with { Momentum = System.Convert.ToDouble(value, CultureInfo.InvariantCulture) }
                        : MapOptions with { StrongConvexity = System.Convert.ToDouble(value, CultureInfo.InvariantCulture) };
                    break;
                case SlotKind.Seed: break; // applied through the unit's seed
                default:
                    if (slot.Property is not null) slot.Property.SetValue(Settings, value);
                    break;
            }
        }
    }
}
