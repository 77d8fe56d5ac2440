using System.Globalization;
using ChaosDescent.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChaosDescent.Experiments;

/// <summary>
/// Reads an experiment file (YAML). Every problem is a <see cref="UserInputException"/> that names the file, the
/// line and column, and the key: YAML syntax errors, unknown top-level keys (with the known ones), wrong types,
/// malformed ranges, and formulas that do not parse (the formula's own caret display follows). Settings of the
/// analyses are kept as written (<see cref="FileValue"/>) and bound to the analyses' settings records by
/// <see cref="Sweeps.SweepPlan"/>, which reports unknown settings at their line.
/// </summary>
public static class ExperimentFile
{
    private static readonly string[] TopKeys =
        ["name", "description", "seed", "seeds", "threads", "objective", "map", "eta", "eps", "ensemble", "orbit", "analyses", "zip", "outputs"];

    private static readonly string[] ObjectiveKeys = ["name", "params", "f", "f0", "f1", "omega", "period", "range", "eps"];

    /// <summary>Largest number of values one range may expand into.</summary>
    public const int MaxRangeCount = 1_000_000;

    public static Experiment Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read experiment file '{path}': {e.Message}");
        }
        return Parse(text, path);
    }

    public static Experiment Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UserInputException($"{file}:{e.Start.Line}:{e.Start.Column}: YAML syntax error: {OneLine(e.InnerException?.Message ?? e.Message)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (e.g. an unclosed '[' before a new key).
            throw new UserInputException($"{file}: YAML syntax error: the file is not valid YAML (check unclosed brackets, braces and quotes)");
        }
        if (stream.Documents.Count == 0) throw new UserInputException($"{file}: the experiment file is empty");
        if (stream.Documents.Count > 1) throw new UserInputException($"{file}: one experiment per file (found {stream.Documents.Count} YAML documents)");
        var reader = new Reader(file);
        var root = reader.Mapping(stream.Documents[0].RootNode, "experiment");
        reader.CheckKeys(root, TopKeys, "the top level");

        string name = reader.OptionalString(root, "name") ?? Path.GetFileNameWithoutExtension(file);
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw reader.At(root, "name").Error($"'{name}' cannot name an output folder");

        // Optional: analyses such as `train` take no objective; the plan checks that those that do get one.
        var objective = reader.Find(root, "objective") is null ? null : reader.Objective(root);
        var eta = reader.OptionalNumbers(root, "eta", "eta");
        var topEps = reader.OptionalNumbers(root, "eps", "eps");
        var objEps = reader.ObjectiveEps;
        if (topEps is not null && objEps is not null)
            throw topEps.Position.Error("ε is given twice (top level and objective.eps); keep one");

        FileValue? seed = null;
        if (reader.Find(root, "seed") is { } seedNode)
        {
            seed = reader.Value(seedNode, "seed");
            foreach (var s in Scalars(seed))
                if (!ulong.TryParse(s.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    throw s.Position.Error($"expected a non-negative integer, got '{s.Text}'");
            if (seed is RangeValue r && r.Values.Any(v => v < 0 || v != Math.Floor(v)))
                throw r.Position.Error("a range of seeds needs non-negative integer values");
        }
        string policy = reader.OptionalString(root, "seeds") ?? "derived";
        if (policy is not ("derived" or "fixed"))
            throw reader.At(root, "seeds").Error($"expected 'derived' (each unit's seed from the file's seed and the unit's index) or 'fixed' (the file's seed for every unit), got '{policy}'");
        int? threads = null;
        if (reader.Find(root, "threads") is { } threadsNode)
        {
            var s = reader.Scalar(threadsNode, "threads");
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 0)
                throw reader.Pos(threadsNode, "threads").Error($"expected 0 (all cores) or a positive integer, got '{s}'");
            threads = v;
        }

        Setting? mapName = null;
        var mapOptions = new List<Setting>();
        if (reader.Find(root, "map") is { } mapNode)
        {
            if (mapNode is YamlScalarNode)
            {
                mapName = new Setting("map", reader.Value(mapNode, "map"), reader.At(root, "map"));
            }
            else
            {
                foreach (var s in reader.Settings(reader.Mapping(mapNode, "map"), "map"))
                {
                    if (s.Key == "name") mapName = s with { Key = "map" };
                    else mapOptions.Add(s);
                }
            }
        }

        string? mode = null;
        SourcePosition? modePosition = null;
        var modeSettings = new List<Setting>();
        var ens = reader.Find(root, "ensemble");
        var orb = reader.Find(root, "orbit");
        if (ens is not null && orb is not null)
            throw reader.Pos(orb, "orbit").Error("give either 'ensemble' or 'orbit' settings, not both (use two files)");
        if ((ens ?? orb) is { } modeNode)
        {
            mode = ens is not null ? "ensemble" : "orbit";
            modePosition = reader.At(root, mode);
            if (modeNode is not YamlScalarNode { Value: "" or null })
                modeSettings.AddRange(reader.Settings(reader.Mapping(modeNode, mode), mode));
        }

        var analyses = new List<AnalysisSection>();
        var list = reader.Find(root, "analyses") ?? throw new UserInputException(
            $"{file}: no 'analyses' list: say what to run, e.g.\nanalyses:\n  - distribution");
        if (list is not YamlSequenceNode seq || seq.Children.Count == 0)
            throw reader.Pos(list, "analyses").Error("expected a list of analyses, e.g. '- distribution' or '- lyapunov: {steps: 100000}'");
        foreach (var item in seq.Children)
        {
            switch (item)
            {
                case YamlScalarNode s:
                    analyses.Add(new AnalysisSection(reader.Scalar(s, "analyses"), [], reader.Pos(s, "analyses")));
                    break;
                case YamlMappingNode m when m.Children.Count == 1:
                    {
                        var (k, v) = m.Children.First();
                        var analysis = reader.Scalar(k, "analyses");
                        var settings = v is YamlScalarNode { Value: "" or null } ? [] : reader.Settings(reader.Mapping(v, $"analyses.{analysis}"), $"analyses.{analysis}");
                        analyses.Add(new AnalysisSection(analysis, settings, reader.Pos(k, "analyses")));
                        break;
                    }
                default:
                    throw reader.Pos(item, "analyses").Error("each analysis is a name ('- distribution') or a name with settings ('- lyapunov: {steps: 100000}')");
            }
        }

        var zip = new List<ZipGroup>();
        if (reader.Find(root, "zip") is { } zipNode)
        {
            if (zipNode is not YamlSequenceNode zs || zs.Children.Count == 0)
                throw reader.Pos(zipNode, "zip").Error("expected a list of axis names, e.g. zip: [eta, eps], or a list of such lists");
            var groups = zs.Children.All(c => c is YamlSequenceNode) ? zs.Children.Cast<YamlSequenceNode>().ToList() : [zs];
            foreach (var g in groups)
            {
                var axes = g.Children.Select(c => reader.Scalar(c, "zip")).ToArray();
                if (axes.Length < 2) throw reader.Pos(g, "zip").Error("zip pairs two or more axes");
                zip.Add(new ZipGroup(axes, reader.Pos(g, "zip")));
            }
        }

        string outDir = Path.Combine("out", "experiments", name);
        if (reader.Find(root, "outputs") is { } outputs)
        {
            var m = reader.Mapping(outputs, "outputs");
            reader.CheckKeys(m, ["dir"], "outputs");
            outDir = reader.OptionalString(m, "dir") ?? outDir;
        }

        return new Experiment
        {
            Name = name,
            Description = reader.OptionalString(root, "description"),
            File = file,
            Text = text,
            Objective = objective,
            Eta = eta,
            Eps = topEps ?? objEps,
            Seed = seed,
            SeedPolicy = policy,
            Threads = threads,
            MapName = mapName,
            MapOptions = mapOptions,
            Mode = mode,
            ModePosition = modePosition,
            ModeSettings = modeSettings,
            Analyses = analyses,
            Zip = zip,
            OutputDirectory = outDir,
        };
    }

    /// <summary>The scalars of a value (itself, or a list's items).</summary>
    public static IEnumerable<ScalarValue> Scalars(FileValue v) => v switch
    {
        ScalarValue s => [s],
        ListValue l => l.Items.SelectMany(Scalars),
        _ => [],
    };

    /// <summary>A number written in the file (a user error at its position otherwise).</summary>
    public static double Number(ScalarValue s)
    {
        if (!double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw s.Position.Error($"expected a number, got '{s.Text}'");
        return v;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    private sealed class Reader(string file)
    {
        public FileValue? ObjectiveEps { get; private set; }

        public SourcePosition Pos(YamlNode node, string key) => new(file, (int)node.Start.Line, (int)node.Start.Column, key);

        public SourcePosition At(YamlMappingNode map, string key)
        {
            foreach (var (k, _) in map.Children)
                if (k is YamlScalarNode s && s.Value == key) return Pos(k, key);
            return Pos(map, key);
        }

        public YamlNode? Find(YamlMappingNode map, string key)
        {
            foreach (var (k, v) in map.Children)
                if (k is YamlScalarNode s && s.Value == key) return v;
            return null;
        }

        public YamlMappingNode Mapping(YamlNode node, string key) =>
            node as YamlMappingNode ?? throw Pos(node, key).Error("expected a mapping (key: value lines)");

        public string Scalar(YamlNode node, string key) =>
            node is YamlScalarNode s ? s.Value ?? "" : throw Pos(node, key).Error("expected a single value");

        public string? OptionalString(YamlMappingNode map, string key) => Find(map, key) is { } n ? Scalar(n, key) : null;

        public void CheckKeys(YamlMappingNode map, string[] known, string where)
        {
            var seen = new HashSet<string>();
            foreach (var (k, _) in map.Children)
            {
                var key = Scalar(k, where);
                if (!seen.Add(key)) throw Pos(k, key).Error($"duplicate key in {where}");
                if (!known.Contains(key))
                    throw Pos(k, key).Error($"unknown key in {where}; known: {string.Join(", ", known)}");
            }
        }

        /// <summary>The key: value entries of a section, in file order (duplicates are an error).</summary>
        public List<Setting> Settings(YamlMappingNode map, string where)
        {
            var result = new List<Setting>();
            foreach (var (k, v) in map.Children)
            {
                var key = Scalar(k, where);
                var path = $"{where}.{key}";
                if (result.Any(s => s.Key == key)) throw Pos(k, path).Error($"duplicate key in {where}");
                result.Add(new Setting(key, Value(v, path), Pos(k, path)));
            }
            return result;
        }

        /// <summary>A value as written; a mapping of exactly from/to/count(/scale) is a range.</summary>
        public FileValue Value(YamlNode node, string key)
        {
            var pos = Pos(node, key);
            switch (node)
            {
                case YamlScalarNode s:
                    return new ScalarValue(s.Value ?? "", s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted, pos);
                case YamlSequenceNode seq:
                    if (seq.Children.Count == 0) throw pos.Error("empty list: an axis needs at least one value");
                    return new ListValue(seq.Children.Select(c => Value(c, key)).ToArray(), pos);
                case YamlMappingNode m when m.Children.Any(kv => kv.Key is YamlScalarNode { Value: "from" or "to" or "count" }):
                    return Range(m, key, pos);
                case YamlMappingNode m:
                    return new MapValue(Settings(m, key).Select(s => new KeyValuePair<string, FileValue>(s.Key, s.Value)).ToArray(), pos);
                default:
                    throw pos.Error("unsupported value");
            }
        }

        private RangeValue Range(YamlMappingNode m, string label, SourcePosition pos)
        {
            CheckKeys(m, ["from", "to", "count", "scale"], label);
            double from = Number(Find(m, "from") ?? throw pos.Error("a range needs 'from'"), $"{label}.from");
            double to = Number(Find(m, "to") ?? throw pos.Error("a range needs 'to'"), $"{label}.to");
            var countNode = Find(m, "count") ?? throw pos.Error("a range needs 'count'");
            if (!int.TryParse(Scalar(countNode, $"{label}.count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 1 || count > MaxRangeCount)
                throw Pos(countNode, $"{label}.count").Error($"expected an integer between 1 and {MaxRangeCount} (a range is never empty)");
            var scale = OptionalString(m, "scale") ?? "linear";
            if (scale is not ("linear" or "log")) throw At(m, "scale").Error($"expected 'linear' or 'log', got '{scale}'");
            if (scale == "log" && !(from > 0 && to > 0)) throw pos.Error("a log range needs positive 'from' and 'to'");
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                double t = count == 1 ? 0 : (double)i / (count - 1);
                double v = scale == "log" ? Math.Exp(Math.Log(from) + t * (Math.Log(to) - Math.Log(from))) : from + t * (to - from);
                // 12 significant digits: 0.003, not 0.002999999999999999, in labels, tables and figures
                values[i] = double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }
            if (count > 1) values[^1] = to;
            return new RangeValue(values, scale == "log", pos);
        }

        public double Number(YamlNode node, string key)
        {
            var s = Scalar(node, key);
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw Pos(node, key).Error($"expected a number, got '{s}'");
            return v;
        }

        /// <summary>A number, a list of numbers, or a range; checked to be numeric here.</summary>
        public FileValue? OptionalNumbers(YamlMappingNode map, string key, string label)
        {
            var node = Find(map, key);
            if (node is null) return null;
            var v = Value(node, label);
            if (v is MapValue) throw v.Position.Error("expected a number, a list of numbers, or {from, to, count, scale}");
            foreach (var s in Scalars(v)) ExperimentFile.Number(s);
            if (v is ListValue l && l.Items.Any(i => i is not ScalarValue))
                throw v.Position.Error("expected a list of numbers");
            return v;
        }

        public ObjectiveSection Objective(YamlMappingNode root)
        {
            var node = Find(root, "objective")!;
            var pos = Pos(node, "objective");
            if (node is YamlScalarNode)
            {
                var name = Scalar(node, "objective");
                Validate(pos, () => Objectives.ObjectiveCatalog.Find(name));
                return new ObjectiveSection { CatalogName = name, Position = pos };
            }
            var m = Mapping(node, "objective");
            CheckKeys(m, ObjectiveKeys, "objective");
            ObjectiveEps = OptionalNumbers(m, "eps", "objective.eps");
            var catalog = OptionalString(m, "name");
            var parameters = new List<Setting>();
            if (Find(m, "params") is { } p)
            {
                foreach (var s in Settings(Mapping(p, "objective.params"), "objective.params"))
                {
                    if (s.Value is MapValue) throw s.Value.Position.Error("expected a number, a list of numbers, or {from, to, count, scale}");
                    foreach (var sc in Scalars(s.Value)) ExperimentFile.Number(sc);
                    parameters.Add(s);
                }
            }
            string? f = OptionalString(m, "f"), f0 = OptionalString(m, "f0"), f1 = OptionalString(m, "f1");
            double? firstEps = ObjectiveEps is null ? null : FirstNumber(ObjectiveEps);
            if (catalog is not null)
            {
                if (f is not null || f0 is not null || f1 is not null)
                    throw At(m, "name").Error("give either a catalog name or formulas (f0/f1/f), not both");
                var first = parameters.ToDictionary(s => s.Key, s => FirstNumber(s.Value));
                Validate(pos, () => Objectives.ObjectiveCatalog.Create(catalog, firstEps, first));
                return new ObjectiveSection { CatalogName = catalog, Parameters = parameters, Position = pos };
            }
            if (parameters.Count > 0) throw At(m, "params").Error("params go with a catalog name; write numbers into the formulas");
            IReadOnlyList<double>? omega = null;
            if (Find(m, "omega") is { } o)
                omega = o is YamlSequenceNode s ? s.Children.Select(c => Number(c, "objective.omega")).ToArray() : [Number(o, "objective.omega")];
            (double, double)? range = null;
            if (Find(m, "range") is { } r)
            {
                if (r is not YamlSequenceNode { Children.Count: 2 } rs) throw Pos(r, "objective.range").Error("expected [LO, HI]");
                range = (Number(rs.Children[0], "objective.range"), Number(rs.Children[1], "objective.range"));
            }
            var spec = new ExpressionObjectiveSpec
            {
                F = f,
                F0 = f0,
                F1 = f1,
                Omega = omega,
                Period = Find(m, "period") is { } per ? Number(per, "objective.period") : null,
                Range = range,
                Epsilon = firstEps,
            };
            // Build it once now, so a bad formula stops the experiment before anything runs, with its location:
            // f (or f0) alone first, then the micro-scale at f1's key.
            if (f is not null) Validate(At(m, "f"), () => ExpressionObjective.Create(spec));
            else if (f0 is not null) Validate(At(m, "f0"), () => ExpressionMacroPotential.Parse(f0, "f0", range));
            Validate(At(m, f1 is not null ? "f1" : f is not null ? "f" : "f0"), () => ExpressionObjective.Create(spec));
            return new ObjectiveSection { Formulas = spec, Position = pos };
        }

        private static double FirstNumber(FileValue v) => v switch
        {
            RangeValue r => r.Values[0],
            _ => ExperimentFile.Number(Scalars(v).First()),
        };

        private static void Validate(SourcePosition pos, Func<object> build)
        {
            try
            {
                build();
            }
            catch (UserInputException e)
            {
                throw pos.Error(e.Message);
            }
        }
    }
}
