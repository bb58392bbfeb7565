using System.Text;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Tests.Outcomes;

/// <summary>The fast (Sep) reader on what real exports contain: quotes, line breaks inside fields, CRLF, BOM, NA, stray blanks.</summary>
public class OutcomeCsvEdgeTests
{
    private const string Header = "participant,task,condition,self_reference,latency_ms,match_detail,distance_km,first_word_strokes\n";

    private static IReadOnlyList<OutcomeRow> Read(string text) => OutcomeCsv.Read(new StringReader(text), "outcomes.csv");

    private static T InFile<T>(string text, Func<string, T> work, bool bom = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"selfref-edge-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
            return work(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks_and_later_lines_keep_their_numbers()
    {
        var text = Header
            + "a,pen,\"wording \"\"A\"\", long\",1,812.5,\"first name,\r\nthen \"\"more\"\"\",,\n"
            + "b,map,plain,0,900,other place,12.5,\n"
            + "c,map,plain,maybe,900,,,\n";
        var e = Assert.Throws<OutcomeCsvException>(() => Read(text));
        // Line 5 of the file, though it is the third row: the quoted field spans two lines.
        Assert.Equal(("outcomes.csv", 5L, "self_reference"), (e.File, e.Line, e.Column));

        var rows = Read(text[..text.LastIndexOf("c,map", StringComparison.Ordinal)]);
        Assert.Equal("wording \"A\", long", rows[0].Condition);
        Assert.Equal("first name,\r\nthen \"more\"", rows[0].MatchDetail);
        Assert.Equal(12.5, rows[1].Number("distance_km"));
    }

    [Fact]
    public void Crlf_lines_a_byte_order_mark_blanks_around_values_NA_and_a_trailing_blank_line_read_as_the_values()
    {
        var text = (Header + " a , pen ,x, 1 , 812.5 ,NA,NA,3\nb,map,x,,NA,,,\n\n").Replace("\n", "\r\n", StringComparison.Ordinal);
        var rows = InFile(text, OutcomeCsv.Read, bom: true);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("a", "pen", true, 812.5), (rows[0].Participant, rows[0].Task, rows[0].SelfReference!.Value, rows[0].LatencyMs!.Value));
        Assert.Equal("NA", rows[0].MatchDetail); // text stays text; only numbers read NA as missing
        Assert.Null(rows[0].Number("distance_km"));
        Assert.Equal(3, rows[0].Number("first_word_strokes"));
        Assert.Equal((null, null), (rows[1].SelfReference, rows[1].LatencyMs));
    }

    [Fact]
    public void A_missing_required_column_names_the_file_and_the_column()
    {
        var e = Assert.Throws<OutcomeCsvException>(() => InFile("participant,task,condition,self_reference\na,pen,x,1\n", path =>
        {
            try
            {
                return OutcomeCsv.Read(path);
            }
            catch (OutcomeCsvException caught)
            {
                Assert.Equal(path, caught.File);
                Assert.StartsWith(path + ", line 1:", caught.Message);
                throw;
            }
        }));
        Assert.Contains("missing column(s) latency_ms", e.Message);
    }

    [Theory]
    [InlineData("a,pen,x,1,812,,,,extra\n", 2)]
    [InlineData("a,pen,x,1,812,,,\nb,pen\n", 3)]
    public void A_line_with_another_number_of_fields_is_named_by_line(string body, int line)
    {
        var e = Assert.Throws<OutcomeCsvException>(() => Read(Header + body));
        Assert.Equal(line, e.Line);
        Assert.Contains("field(s), the header 8", e.Message);
    }

    [Fact]
    public void Every_task_column_of_the_header_is_a_key_of_each_row_empty_cells_null()
    {
        var rows = Read(Header + "a,pen,x,1,812,,,4\nb,map,x,0,900,,7.25,\n");
        Assert.Equal(["distance_km", "first_word_strokes"], rows[0].Columns.Keys);
        Assert.Null(rows[0].Columns["distance_km"]);
        Assert.Equal("4", rows[0].Columns["first_word_strokes"]);
        Assert.Equal([KeyValuePair.Create("distance_km", (string?)"7.25"), KeyValuePair.Create("first_word_strokes", (string?)null)], rows[1].Columns);
        Assert.False(rows[1].Columns.ContainsKey("chance"));
        Assert.Throws<KeyNotFoundException>(() => rows[1].Columns["chance"]);
    }
}
