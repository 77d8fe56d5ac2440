using System.Globalization;
using ChaosDescent.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChaosDescent.Experiments;

/// <summary>
/// Reads an experiment file (YAML). Every problem is a <see cref="UserInputException"/> that names the file, the
/// line and column, and the key: YAML syntax errors, unknown keys (with the known ones), wrong types, malformed
/// sweeps, and formulas that do not parse (the formula's own caret display follows).
/// </summary>
public static class ExperimentFile
{
    private static readonly string[] TopKeys =
        ["name", "description", "seed", "threads", "objective", "map", "eta", "eps", "ensemble", "orbit", "analyses", "outputs"];

    private static readonly string[] ObjectiveKeys = ["name", "params", "f", "f0", "f1", "omega", "period", "range", "eps"];

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

        // Optional: analyses such as `train` take no objective; the planner checks that those that do get one.
        var objective = reader.Find(root, "objective") is null ? null : reader.Objective(root);
        var eta = reader.OptionalSweep(root, "eta", "eta");
        var topEps = reader.OptionalSweep(root, "eps", "eps");
        var objEps = reader.ObjectiveEps;
        if (topEps is not null && objEps is not null)
            throw topEps.Position.Error("ε is given twice (top level and objective.eps); keep one");

        ulong? seed = null;
        if (reader.Find(root, "seed") is { } seedNode)
        {
            var s = reader.Scalar(seedNode, "seed");
            if (!ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                throw reader.Pos(seedNode, "seed").Error($"expected a non-negative integer, got '{s}'");
            seed = v;
        }
        int? threads = null;
        if (reader.Find(root, "threads") is { } threadsNode)
        {
            var s = reader.Scalar(threadsNode, "threads");
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 0)
                throw reader.Pos(threadsNode, "threads").Error($"expected 0 (all cores) or a positive integer, got '{s}'");
            threads = v;
        }

        var map = new List<OptionSetting>();
        if (reader.Find(root, "map") is { } mapNode)
        {
            if (mapNode is YamlScalarNode)
            {
                map.Add(new OptionSetting("--map", [reader.Scalar(mapNode, "map")], false, reader.Pos(mapNode, "map")));
            }
            else
            {
                var m = reader.Mapping(mapNode, "map");
                foreach (var (k, v) in m.Children)
                {
                    var key = reader.Scalar(k, "map");
                    map.Add(reader.Setting(key == "name" ? "--map" : Dashed(key), v, $"map.{key}"));
                }
            }
        }

        string? mode = null;
        var modeOptions = new List<OptionSetting>();
        var ens = reader.Find(root, "ensemble");
        var orb = reader.Find(root, "orbit");
        if (ens is not null && orb is not null)
            throw reader.Pos(orb, "orbit").Error("give either 'ensemble' or 'orbit' settings, not both (use two files)");
        if ((ens ?? orb) is { } modeNode)
        {
            mode = ens is not null ? "ensemble" : "orbit";
            if (mode == "orbit") modeOptions.Add(new OptionSetting("--orbit", ["true"], true, reader.Pos(modeNode, "orbit")));
            if (modeNode is not YamlScalarNode { Value: "" or null })
            {
                var m = reader.Mapping(modeNode, mode);
                foreach (var (k, v) in m.Children)
                {
                    var key = reader.Scalar(k, mode);
                    modeOptions.Add(reader.Setting(Dashed(key), v, $"{mode}.{key}"));
                }
            }
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
                        var command = reader.Scalar(k, "analyses");
                        var options = new List<OptionSetting>();
                        if (v is not YamlScalarNode { Value: "" or null })
                        {
                            foreach (var (ok, ov) in reader.Mapping(v, $"analyses.{command}").Children)
                            {
                                var key = reader.Scalar(ok, command);
                                options.Add(reader.Setting(Dashed(key), ov, $"analyses.{command}.{key}"));
                            }
                        }
                        analyses.Add(new AnalysisSection(command, options, reader.Pos(k, "analyses")));
                        break;
                    }
                default:
                    throw reader.Pos(item, "analyses").Error("each analysis is a name ('- distribution') or a name with options ('- lyapunov: {steps: 100000}')");
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
            Threads = threads,
            Map = map,
            Mode = mode,
            ModeOptions = modeOptions,
            Analyses = analyses,
            OutputDirectory = outDir,
        };
    }

    /// <summary>snake_case or camelCase key → --kebab-case option.</summary>
    public static string Dashed(string key)
    {
        var sb = new System.Text.StringBuilder("--");
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c == '_') sb.Append('-');
            else if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    private sealed class Reader(string file)
    {
        public Sweep? ObjectiveEps { get; private set; }

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

        public double Number(YamlNode node, string key)
        {
            var s = Scalar(node, key);
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw Pos(node, key).Error($"expected a number, got '{s}'");
            return v;
        }

        /// <summary>A value, a list of values, or {from, to, count[, scale: linear|log]}.</summary>
        public Sweep? OptionalSweep(YamlMappingNode map, string key, string label)
        {
            var node = Find(map, key);
            if (node is null) return null;
            var pos = Pos(node, label);
            switch (node)
            {
                case YamlScalarNode:
                    return new Sweep([Number(node, label)], pos);
                case YamlSequenceNode seq:
                    if (seq.Children.Count == 0) throw pos.Error("empty list");
                    return new Sweep(seq.Children.Select(c => Number(c, label)).ToArray(), pos);
                case YamlMappingNode m:
                    {
                        CheckKeys(m, ["from", "to", "count", "scale"], label);
                        double from = Number(Find(m, "from") ?? throw pos.Error("a sweep needs 'from'"), $"{label}.from");
                        double to = Number(Find(m, "to") ?? throw pos.Error("a sweep needs 'to'"), $"{label}.to");
                        var countNode = Find(m, "count") ?? throw pos.Error("a sweep needs 'count'");
                        if (!int.TryParse(Scalar(countNode, $"{label}.count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 1 || count > 10_000)
                            throw Pos(countNode, $"{label}.count").Error("expected an integer between 1 and 10000");
                        var scale = OptionalString(m, "scale") ?? "linear";
                        if (scale is not ("linear" or "log")) throw At(m, "scale").Error($"expected 'linear' or 'log', got '{scale}'");
                        if (scale == "log" && !(from > 0 && to > 0)) throw pos.Error("a log sweep needs positive 'from' and 'to'");
                        var values = new double[count];
                        for (int i = 0; i < count; i++)
                        {
                            double t = count == 1 ? 0 : (double)i / (count - 1);
                            double v = scale == "log" ? Math.Exp(Math.Log(from) + t * (Math.Log(to) - Math.Log(from))) : from + t * (to - from);
                            // 12 significant digits: 0.003, not 0.002999999999999999, in command lines and folder names
                            values[i] = double.Parse(v.ToString("G12", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
                        }
                        if (count > 1) values[^1] = to;
                        return new Sweep(values, pos);
                    }
                default:
                    throw pos.Error("expected a number, a list of numbers, or {from, to, count, scale}");
            }
        }

        public OptionSetting Setting(string option, YamlNode value, string key)
        {
            var pos = Pos(value, key);
            switch (value)
            {
                case YamlScalarNode s:
                    {
                        var v = s.Value ?? "";
                        bool flag = s.Style == ScalarStyle.Plain && v is "true" or "false";
                        return new OptionSetting(option, [v], flag, pos);
                    }
                case YamlSequenceNode seq:
                    return new OptionSetting(option, [string.Join(",", seq.Children.Select(c => Scalar(c, key)))], false, pos);
                case YamlMappingNode m:
                    {
                        // e.g. params: {k: 2} → --param k=2 (plural key → singular option)
                        var values = m.Children.Select(kv => $"{Scalar(kv.Key, key)}={Scalar(kv.Value, key)}").ToArray();
                        var opt = option.EndsWith('s') ? option[..^1] : option;
                        return new OptionSetting(opt, values, false, pos);
                    }
                default:
                    throw pos.Error("unsupported value");
            }
        }

        public ObjectiveSection Objective(YamlMappingNode root)
        {
            var node = Find(root, "objective") ?? throw new UserInputException(
                $"{file}: no 'objective': give a catalog name (objective: quartic-sin) or formulas (objective: {{f0: \"x^4/4\", f1: \"sin(u)\"}})");
            var pos = Pos(node, "objective");
            if (node is YamlScalarNode)
            {
                var name = Scalar(node, "objective");
                Validate(pos, () => Objectives.ObjectiveCatalog.Find(name));
                return new ObjectiveSection { CatalogName = name, Position = pos };
            }
            var m = Mapping(node, "objective");
            CheckKeys(m, ObjectiveKeys, "objective");
            ObjectiveEps = OptionalSweep(m, "eps", "objective.eps");
            var catalog = OptionalString(m, "name");
            var parameters = new Dictionary<string, double>();
            if (Find(m, "params") is { } p)
            {
                foreach (var (k, v) in Mapping(p, "objective.params").Children)
                    parameters[Scalar(k, "objective.params")] = Number(v, $"objective.params.{Scalar(k, "objective.params")}");
            }
            string? f = OptionalString(m, "f"), f0 = OptionalString(m, "f0"), f1 = OptionalString(m, "f1");
            if (catalog is not null)
            {
                if (f is not null || f0 is not null || f1 is not null)
                    throw At(m, "name").Error("give either a catalog name or formulas (f0/f1/f), not both");
                Validate(pos, () => Objectives.ObjectiveCatalog.Create(catalog, ObjectiveEps?.Values[0], parameters));
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
                Epsilon = ObjectiveEps?.Values[0],
            };
            // Build it once now, so a bad formula stops the experiment before anything runs, with its location:
            // f (or f0) alone first, then the micro-scale at f1's key.
            if (f is not null) Validate(At(m, "f"), () => ExpressionObjective.Create(spec));
            else if (f0 is not null) Validate(At(m, "f0"), () => ExpressionMacroPotential.Parse(f0, "f0", range));
            Validate(At(m, f1 is not null ? "f1" : f is not null ? "f" : "f0"), () => ExpressionObjective.Create(spec));
            if (ObjectiveEps is not null)
                foreach (var eps in ObjectiveEps.Values.Skip(1)) Validate(ObjectiveEps.Position, () => ExpressionObjective.Create(spec with { Epsilon = eps }));
            return new ObjectiveSection { Formulas = spec, Position = pos };
        }

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
