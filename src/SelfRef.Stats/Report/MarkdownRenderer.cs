using System.Text;

namespace SelfRef.Stats.Report;

internal static class MarkdownRenderer
{
    public static string Render(IReadOnlyList<ReportBlock> blocks)
    {
        var sb = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.Append('#', h.Level).Append(' ').AppendLine(Inline(h.Text));
                    break;
                case Paragraph p:
                    sb.AppendLine(Inline(p.Text));
                    break;
                case Note n:
                    sb.Append("> ").AppendLine(Inline(n.Text));
                    break;
                case Table t:
                    sb.AppendLine("| " + string.Join(" | ", t.Header.Select(Cell)) + " |");
                    sb.AppendLine("|" + string.Concat(t.Header.Select(_ => " --- |")));
                    foreach (var row in t.Rows) sb.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
                    break;
                case FigureBlock f:
                    sb.AppendLine($"![{Inline(f.Figure.Caption)}](figures/{f.Figure.Name}.png)");
                    sb.AppendLine();
                    sb.AppendLine($"*{Inline(f.Figure.Caption)}* ([SVG](figures/{f.Figure.Name}.svg))");
                    break;
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    // Participant-supplied labels (conditions, categories) must not become Markdown or HTML.
    private static string Inline(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|') sb.Append('\\');
            sb.Append(ch is '\r' or '\n' ? ' ' : ch);
        }
        return sb.ToString();
    }

    private static string Cell(string text) => Inline(text);
}
