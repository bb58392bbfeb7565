using SelfRef.Stats.Figures;

namespace SelfRef.Stats.Report;

/// <summary>
/// The report as plain blocks, written once and rendered to both Markdown and HTML, so the two
/// never say different things and escaping happens in one place per format.
/// </summary>
internal abstract record ReportBlock;

internal sealed record Heading(int Level, string Text) : ReportBlock;

internal sealed record Paragraph(string Text) : ReportBlock;

/// <summary>A highlighted paragraph: warnings and the note on the reference values.</summary>
internal sealed record Note(string Text) : ReportBlock;

internal sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : ReportBlock;

internal sealed record FigureBlock(RenderedFigure Figure) : ReportBlock;
