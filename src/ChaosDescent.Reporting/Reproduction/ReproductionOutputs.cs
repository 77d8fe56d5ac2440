using ChaosDescent.Reporting.Plots;
using ChaosDescent.Data;

namespace ChaosDescent.Reporting.Reproduction;

/// <summary>
/// Shortcuts for experiments: save a figure or a CSV table into the report folders and register it in the result
/// in one call, so that the file written and the file the report shows cannot drift apart.
/// </summary>
public static class ReproductionOutputs
{
    /// <summary>Saves <paramref name="figure"/> as <c>figures/{name}.png|svg</c> and adds it with its caption.</summary>
    public static void AddFigure(this ReproductionResult result, ReproductionContext context, PlotFigure figure, string name, string caption)
    {
        figure.Save(context.FigureDirectory, name);
        result.Figures.Add(new FigureRef(name, caption));
    }

    /// <summary>Saves a multi-panel <paramref name="figure"/> as <c>figures/{name}.png|svg</c> and adds it.</summary>
    public static void AddFigure(this ReproductionResult result, ReproductionContext context, PanelFigure figure, string name, string caption)
    {
        figure.Save(context.FigureDirectory, name);
        result.Figures.Add(new FigureRef(name, caption));
    }

    /// <summary>Writes numeric columns to <c>data/{name}.csv</c> and adds the file.</summary>
    public static void AddCsv(this ReproductionResult result, ReproductionContext context, string name, IReadOnlyList<string> headers, params IReadOnlyList<double>[] columns)
    {
        CsvFile.Write(Path.Combine(context.DataDirectory, name + ".csv"), headers, columns);
        result.DataFiles.Add("data/" + name + ".csv");
    }

    /// <summary>Writes mixed rows to <c>data/{name}.csv</c> and adds the file.</summary>
    public static void AddCsvRows(this ReproductionResult result, ReproductionContext context, string name, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        CsvFile.WriteRows(Path.Combine(context.DataDirectory, name + ".csv"), headers, rows);
        result.DataFiles.Add("data/" + name + ".csv");
    }
}
