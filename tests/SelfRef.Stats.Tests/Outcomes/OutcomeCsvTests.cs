using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Tests.Outcomes;

public class OutcomeCsvTests
{
    private const string Minimal = "participant,task,condition,self_reference,latency_ms,distance_km\n";

    private static IReadOnlyList<OutcomeRow> Read(string text) => OutcomeCsv.Read(new StringReader(text), "outcomes.csv");

    [Fact]
    public void Reads_the_minimal_columns_with_1_0_and_empty_self_reference()
    {
        var rows = Read(Minimal + "a,pen,neutral,1,812.5,\nb,map,neutral,0,1200,3.25\nc,pen,explicit,,,\n");
        Assert.Equal(3, rows.Count);
        Assert.Equal(new OutcomeRow("a", "", "pen", "neutral", null, "", "", "", 812.5, true, null, null, true), rows[0]);
        Assert.Equal((false, 3.25), (rows[1].SelfReference!.Value, rows[1].Number("distance_km")!.Value));
        Assert.Null(rows[2].SelfReference);
        Assert.Null(rows[2].LatencyMs);
    }

    [Fact]
    public void Round_trips_every_column()
    {
        var rows = SyntheticOutcomes.Create(20);
        var writer = new StringWriter();
        OutcomeCsv.Write(writer, rows);
        Assert.StartsWith(string.Join(",", OutcomeColumns.All()) + "\n", writer.ToString());
        Assert.Equal(rows, Read(writer.ToString()));
    }

    [Fact]
    public void Quotes_text_with_commas_and_quotes_and_reads_it_back()
    {
        var row = new OutcomeRow("p1", "exp", "pen", "wording \"A\", long", 1, "tablet", "pen", "de", 0.1 + 0.2, true, null, "full name, fuzzy 0.91; C:\\dir\\, \"q\" \\", false);
        var writer = new StringWriter();
        OutcomeCsv.Write(writer, [row]);
        Assert.Equal(row, Assert.Single(Read(writer.ToString())));
    }

    [Theory]
    [InlineData("a,pen,neutral,yes,812,", 2, "self_reference", "'yes'")]
    [InlineData("a,pen,neutral,1,812,\nb,pen,neutral,1,fast,", 3, "latency_ms", "'fast'")]
    [InlineData("a,pen,neutral,1,\"812,5\",", 2, "latency_ms", "decimal point")]
    [InlineData("a,map,neutral,1,812,-3", 2, "distance_km", "'-3'")]
    [InlineData(",pen,neutral,1,812,", 2, "participant", "non-empty")]
    public void Bad_values_are_reported_with_file_line_and_column(string body, int line, string column, string mentions)
    {
        var e = Assert.Throws<OutcomeCsvException>(() => Read(Minimal + body + "\n"));
        Assert.Equal(("outcomes.csv", (long)line, column), (e.File, e.Line, e.Column));
        Assert.Contains($"line {line}", e.Message);
        Assert.Contains($"column '{column}'", e.Message);
        Assert.Contains(mentions, e.Message);
    }

    [Fact]
    public void A_missing_required_column_is_named()
    {
        var e = Assert.Throws<OutcomeCsvException>(() => Read("participant,task,condition,latency_ms,distance_km\na,pen,x,1,\n"));
        Assert.Contains("self_reference", e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void A_line_with_too_few_fields_is_named()
    {
        var e = Assert.Throws<OutcomeCsvException>(() => Read(Minimal + "a,pen,neutral,1,812,\nb,pen,neutral\n"));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void An_empty_file_says_what_header_is_expected()
    {
        var e = Assert.Throws<OutcomeCsvException>(() => Read(""));
        Assert.Contains("participant,task,condition,self_reference,latency_ms", e.Message);
    }

    [Fact]
    public void A_header_alone_gives_no_rows()
    {
        Assert.Empty(Read(Minimal));
    }

    [Fact]
    public void A_file_with_a_byte_order_mark_crlf_lines_and_umlauts_reads_from_its_path_and_names_bad_lines()
    {
        var path = Path.Combine(Path.GetTempPath(), $"selfref-outcomes-{Guid.NewGuid():N}.csv");
        try
        {
            var text = Minimal.Replace("\n", "\r\n", StringComparison.Ordinal) + "ä1,pen,Bedingung für Ü,1,812.5,\r\nb,map,Bedingung für Ü,0,900,12\r\n";
            File.WriteAllText(path, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            var rows = OutcomeCsv.Read(path);
            Assert.Equal(["ä1", "b"], rows.Select(r => r.Participant));
            Assert.All(rows, r => Assert.Equal("Bedingung für Ü", r.Condition));
            // Repeated values come back as one string each (pooled), which is what keeps 100,000 rows small.
            Assert.Same(rows[0].Condition, rows[1].Condition);

            File.AppendAllText(path, "c,pen,x,maybe,1,\r\n");
            var e = Assert.Throws<OutcomeCsvException>(() => OutcomeCsv.Read(path));
            Assert.Equal((path, 4L, "self_reference"), (e.File, e.Line, e.Column));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
