namespace SelfRef.Web.Researcher;

/// <summary>What the filter form and the page links above a paged table need (the partial _Pager renders it).</summary>
/// <param name="Id">the table's element id: the controls name it, and the label of the filter field is unique on the page.</param>
/// <param name="Noun">what one row is, in the plural ("outcome rows", "sessions").</param>
public sealed record PagerView(string Id, string Path, string Noun, TableQuery Query, int Pages, int First, int Last, int Matching, int Total)
{
    public static PagerView Of<T>(string id, string path, string noun, TablePage<T> page) =>
        new(id, path, noun, page.Query, page.Pages, page.First, page.Last, page.Matching, page.Total);
}
