using System.Globalization;
using System.Text;
using CsvHelper;
using SelfRef.Stats.Export;

namespace SelfRef.Stats.Tests.Export;

/// <summary>An export written to memory, and the files read back as a researcher's tools would.</summary>
public sealed class ExportedFiles
{
    public Dictionary<string, byte[]> Files { get; } = [];
    public IReadOnlyList<ExportedFile> Listed { get; }

    public ExportedFiles(ExportFormat format, bool includeIdentifiers, ExportSource? source = null)
    {
        Listed = ExperimentExport.Write(source ?? ExportFixture.Source(), new ExportOptions(format, includeIdentifiers, ExportFixture.Start.AddDays(1)), path =>
        {
            var stream = new CapturingStream(bytes => Files.Add(path, bytes));
            return stream;
        });
    }

    public string Text(string file) => Encoding.UTF8.GetString(Files[file]);

    /// <summary>A CSV file as header and rows of cells, read with CsvHelper.</summary>
    public (IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows) Csv(string file)
    {
        using var reader = CsvReader.Create(new MemoryStream(Files[file]), CsvReaderOptions.Default with { FormatProvider = CultureInfo.InvariantCulture });
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
            rows.Add(reader.Headers!.Select((h, i) => (h, reader.GetString(i))).ToDictionary(x => x.h, x => x.Item2));
        return ([.. reader.Headers ?? []], rows);
    }

    private sealed class CapturingStream(Action<byte[]> closed) : MemoryStream
    {
        private bool _done;

        protected override void Dispose(bool disposing)
        {
            if (!_done) closed(ToArray());
            _done = true;
            base.Dispose(disposing);
        }
    }
}
