using System.Globalization;
using System.Reflection;

namespace ChaosDescent.Experiments.Sweeps;

/// <summary>
/// Binds experiment-file keys to the properties of a settings record: <c>burn_in</c> ↔ <c>BurnIn</c> (snake_case ↔
/// PascalCase, compared without underscores and case), and file text to the property's type — numbers (integers
/// checked to be whole), booleans, text, enumerations (case and dashes ignored), arrays (a list, or comma-separated
/// text) and any type with a public static <c>Parse(string)</c> (e.g. <c>InitialCondition</c>). Records with init
/// properties are set by reflection on a fresh instance, so defaults stay those of the record.
/// </summary>
public static class SettingsBinder
{
    /// <summary>The writable property that <paramref name="key"/> names, or null.</summary>
    public static PropertyInfo? Find(Type settingsType, string key)
    {
        string wanted = Normalize(key);
        return settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.CanWrite && p.GetIndexParameters().Length == 0 && Normalize(p.Name) == wanted);
    }

    /// <summary>The file keys a settings type accepts (snake_case), for error messages.</summary>
    public static IEnumerable<string> Keys(Type settingsType) =>
        settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .Select(p => SnakeCase(p.Name));

    public static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Whether a setting of this type can be an axis (a number).</summary>
    public static bool IsNumeric(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long) || t == typeof(ulong)
            || t == typeof(uint) || t == typeof(short) || t == typeof(decimal);
    }

    /// <summary>Whether the type takes a list as one value (an array or list of items).</summary>
    public static bool IsSequence(Type t) => ElementType(t) is not null;

    /// <summary>A number converted to a numeric property type (whole numbers checked for integer types).</summary>
    public static object FromNumber(double v, Type t, SourcePosition pos)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(double)) return v;
        if (t == typeof(float)) return (float)v;
        if (t == typeof(decimal)) return (decimal)v;
        if (v != Math.Floor(v)) throw pos.Error($"expected a whole number, got {v.ToString("R", CultureInfo.InvariantCulture)}");
        try
        {
            return t == typeof(int) ? checked((int)v)
                : t == typeof(long) ? checked((long)v)
                : t == typeof(ulong) ? checked((ulong)v)
                : t == typeof(uint) ? checked((uint)v)
                : t == typeof(short) ? checked((short)v)
                : throw pos.Error($"cannot set a {t.Name} from a number");
        }
        catch (OverflowException)
        {
            throw pos.Error($"{v.ToString("R", CultureInfo.InvariantCulture)} is out of range for this setting");
        }
    }

    /// <summary>A value written in the file, converted to <paramref name="t"/>.</summary>
    public static object? Convert(FileValue value, Type t)
    {
        var under = Nullable.GetUnderlyingType(t) ?? t;
        if (ElementType(under) is { } element)
        {
            IReadOnlyList<object?> items = value switch
            {
                ListValue l => l.Items.Select(i => Convert(i, element)).ToArray(),
                RangeValue r => r.Values.Select(v => FromNumber(v, element, r.Position)).Cast<object?>().ToArray(),
                ScalarValue s => s.Text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(part => Convert(new ScalarValue(part, s.Quoted, s.Position), element)).ToArray(),
                _ => throw value.Position.Error("expected a list"),
            };
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return array;
        }
        if (value is not ScalarValue scalar)
            throw value.Position.Error(value is MapValue ? "expected a single value, not a mapping" : "expected a single value");
        var text = scalar.Text;
        if (IsNumeric(under))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw scalar.Position.Error($"expected a number, got '{text}'");
            return FromNumber(v, under, scalar.Position);
        }
        if (under == typeof(bool))
        {
            return text switch
            {
                "true" or "True" or "yes" => true,
                "false" or "False" or "no" => false,
                _ => throw scalar.Position.Error($"expected true or false, got '{text}'"),
            };
        }
        if (under == typeof(string)) return text;
        if (under.IsEnum)
        {
            var match = Enum.GetNames(under).FirstOrDefault(n => Normalize(n) == Normalize(text));
            return match is not null ? Enum.Parse(under, match)
                : throw scalar.Position.Error($"expected one of {string.Join(", ", Enum.GetNames(under).Select(SnakeCase))}, got '{text}'");
        }
        var parse = under.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
        if (parse is not null && under.IsAssignableFrom(parse.ReturnType))
        {
            try
            {
                return parse.Invoke(null, [text]);
            }
            catch (TargetInvocationException e) when (e.InnerException is UserInputException or FormatException or ArgumentException)
            {
                throw scalar.Position.Error(e.InnerException.Message);
            }
        }
        throw scalar.Position.Error($"this setting has type {under.Name}, which an experiment file cannot set");
    }

    private static Type? ElementType(Type t)
    {
        if (t == typeof(string)) return null;
        if (t.IsArray) return t.GetElementType();
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var g
            && (g == typeof(IReadOnlyList<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>) || g == typeof(IReadOnlyCollection<>)))
            return t.GetGenericArguments()[0];
        return null;
    }

    private static string Normalize(string s) => s.Replace("_", "").Replace("-", "").ToLowerInvariant();
}
