namespace SelfRef.Core.Tests.Storage;

/// <summary>A LiteDB file of the test's own; LiteDB leaves "-log" files beside it, so all "name*" go at the end.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"selfref-core-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileNameWithoutExtension(Path) + "*"))
            File.Delete(file);
    }
}
