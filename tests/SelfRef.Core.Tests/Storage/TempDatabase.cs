namespace SelfRef.Core.Tests.Storage;

/// <summary>A LiteDB file of the test's own; LiteDB leaves "-log" files and the store its "-keys" folder beside it, so all "name*" go at the end.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"selfref-core-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileNameWithoutExtension(Path) + "*"))
            File.Delete(file);
        foreach (var folder in Directory.GetDirectories(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileNameWithoutExtension(Path) + "*"))
            Directory.Delete(folder, recursive: true);
    }

    /// <summary>Every byte of the database, its log and its key file, as text: to look for what must not be there.</summary>
    public string Raw()
    {
        var text = new System.Text.StringBuilder();
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var name = System.IO.Path.GetFileNameWithoutExtension(Path);
        foreach (var file in Directory.GetFiles(folder, name + "*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Concat(Directory.GetDirectories(folder, name + "*").SelectMany(d => Directory.GetFiles(d))))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(System.Text.Encoding.Latin1.GetString(copy.ToArray()));
        }
        return text.ToString();
    }
}
