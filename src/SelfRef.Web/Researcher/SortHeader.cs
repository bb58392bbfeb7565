using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace SelfRef.Web.Researcher;

/// <summary>A column heading of a paged table: a link that sorts by the column, with aria-sort on the column the table is sorted by.</summary>
public static class SortHeader
{
    public static IHtmlContent Of(TableQuery query, string path, string key, string heading)
    {
        var enc = HtmlEncoder.Default;
        var aria = query.AriaSort(key);
        var mark = aria switch { "ascending" => " ▲", "descending" => " ▼", _ => "" };
        return new HtmlString($"<th scope=\"col\"{(aria is null ? "" : $" aria-sort=\"{aria}\"")}><a href=\"{enc.Encode(query.SortLink(path, key))}\">{enc.Encode(heading)}<span class=\"sort-mark\" aria-hidden=\"true\">{mark}</span></a></th>");
    }
}
