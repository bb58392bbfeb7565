namespace SelfRef.Stats.Export;

/// <summary>
/// Spreadsheet formula injection (OWASP "CSV injection"): a spreadsheet runs a text cell that
/// starts with = + - @ (and, in some programs, tab or carriage return) as a formula, so a
/// participant who types "=HYPERLINK(…)" could act inside the researcher's spreadsheet. Such text
/// cells get a leading apostrophe, which spreadsheets read as "this is text" and hide. Numbers are
/// written as numbers and never pass through here, so -12.5 stays a number.
/// </summary>
public static class FormulaGuard
{
    public const char Escape = '\'';

    /// <summary>The first characters that make a text cell a possible formula.</summary>
    public static readonly IReadOnlyList<char> Triggers = ['=', '+', '-', '@', '\t', '\r'];

    public static bool IsRisky(string? text) => !string.IsNullOrEmpty(text) && Triggers.Contains(text[0]);

    /// <summary>The text as a safe cell: with a leading apostrophe when it could run as a formula, else unchanged.</summary>
    public static string? Cell(string? text) => IsRisky(text) ? Escape + text : text;

    /// <summary>What the codebook says about it, so a reader knows to strip the apostrophe.</summary>
    public const string Note =
        "CSV files: a text cell that starts with =, +, -, @, a tab or a carriage return is written with a leading apostrophe (') " +
        "so that a spreadsheet shows it as text instead of running it as a formula; remove the first character of such cells to get the text as given. " +
        "Numbers are written as numbers (e.g. -12.5) and are never changed. JSON lines files hold every text exactly as given.";
}
