namespace ChaosDescent.Reporting.Plots;

/// <summary>A figure written as <c>figures/{Name}.png</c> and <c>figures/{Name}.svg</c>.</summary>
public sealed record FigureRef(string Name, string Caption);
