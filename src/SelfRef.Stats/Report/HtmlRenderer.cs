using System.Net;
using System.Text;

namespace SelfRef.Stats.Report;

/// <summary>A single self-contained HTML file: styles inline, figures as base64 PNG, all text encoded.</summary>
internal static class HtmlRenderer
{
    private const string Style = """
        body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
        table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.7rem; text-align: left; }
        td { white-space: nowrap; }
        th { background: #f2f2f2; }
        .note { border-left: 4px solid #E69F00; background: #fff8e6; padding: 0.6rem 1rem; }
        figure { margin: 1.5rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { font-size: 0.95rem; color: #333; }
        """;

    public static string Render(string title, IReadOnlyList<ReportBlock> blocks)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(title)).AppendLine("</title>");
        sb.Append("<style>").Append(Style).AppendLine("</style></head><body>");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.AppendLine($"<h{h.Level}>{E(h.Text)}</h{h.Level}>");
                    break;
                case Paragraph p:
                    sb.AppendLine($"<p>{E(p.Text)}</p>");
                    break;
                case Note n:
                    sb.AppendLine($"<p class=\"note\">{E(n.Text)}</p>");
                    break;
                case Table t:
                    sb.Append("<table><thead><tr>");
                    foreach (var head in t.Header) sb.Append("<th scope=\"col\">").Append(E(head)).Append("</th>");
                    sb.AppendLine("</tr></thead><tbody>");
                    foreach (var row in t.Rows)
                        sb.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{E(c)}</td>"))).AppendLine("</tr>");
                    sb.AppendLine("</tbody></table>");
                    break;
                case FigureBlock f:
                    sb.AppendLine($"<figure id=\"{E(f.Figure.Name)}\"><img src=\"data:image/png;base64,{Convert.ToBase64String(f.Figure.Png)}\" alt=\"{E(f.Figure.Caption)}\">");
                    sb.AppendLine($"<figcaption>{E(f.Figure.Caption)}</figcaption></figure>");
                    break;
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
