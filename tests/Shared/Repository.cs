namespace SelfRef.Tests.Support;

/// <summary>The checkout the tests and benchmarks run from: the folder above the binaries that holds SelfRef.slnx.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SelfRef.slnx"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("repository root (SelfRef.slnx) not found above " + AppContext.BaseDirectory);
    }
}
