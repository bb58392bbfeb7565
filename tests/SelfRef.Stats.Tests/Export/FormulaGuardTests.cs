using SelfRef.Stats.Export;

namespace SelfRef.Stats.Tests.Export;

public class FormulaGuardTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("Anna", "Anna")]
    [InlineData("a=b", "a=b")]
    [InlineData("{\"text\":\"=1\"}", "{\"text\":\"=1\"}")]
    [InlineData("", "")]
    [InlineData(null, null)]
    public void A_text_cell_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(string? text, string? cell) =>
        Assert.Equal(cell, FormulaGuard.Cell(text));

    [Theory]
    [InlineData(-12.5, "-12.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    public void Numbers_are_written_as_numbers_and_keep_their_sign(double value, string cell) =>
        Assert.Equal(cell, CsvTableWriter.Cell(value));

    [Fact]
    public void Flags_times_and_whole_numbers_have_one_spelling()
    {
        Assert.Equal("1", CsvTableWriter.Cell(true));
        Assert.Equal("0", CsvTableWriter.Cell(false));
        Assert.Equal("-3", CsvTableWriter.Cell(-3L));
        Assert.Equal("2026-11-29T10:00:00.000Z", CsvTableWriter.Cell(ExportFixture.Start));
        Assert.Null(CsvTableWriter.Cell(null));
    }
}
