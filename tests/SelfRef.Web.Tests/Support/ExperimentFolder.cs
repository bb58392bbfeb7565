using System.Text.Json.Nodes;

namespace SelfRef.Tests.Support;

/// <summary>
/// An experiments folder of a test's own, filled from the shipped files, which the test may edit
/// while a server reads it (as a researcher edits a running study's file). Deleted at the end.
/// </summary>
public sealed class ExperimentFolder : IDisposable
{
    public ExperimentFolder(params string[] shipped)
    {
        Path = Directory.CreateTempSubdirectory("selfref-experiments-").FullName;
        foreach (var name in shipped) System.IO.File.Copy(Shipped(name), File(name));
    }

    public string Path { get; }

    public static string Shipped(string name) => System.IO.Path.Combine(Repository.Root, "experiments", name + ".json");

    public string File(string name) => System.IO.Path.Combine(Path, name + ".json");

    /// <summary>A shipped experiment as a JSON tree, to change and write under another name.</summary>
    public static JsonObject Read(string shippedName) => JsonNode.Parse(System.IO.File.ReadAllText(Shipped(shippedName)))!.AsObject();

    /// <summary>Writes the file in one step (a temporary file moved over it), as editors that save atomically do.</summary>
    public void Write(string name, string text)
    {
        var temporary = System.IO.Path.Combine(Path, $".{name}.{Guid.NewGuid():N}.tmp");
        System.IO.File.WriteAllText(temporary, text);
        System.IO.File.Move(temporary, File(name), overwrite: true);
    }

    /// <summary>Writes the experiment as indented JSON; returns the text written (its hash names the version).</summary>
    public string Write(string name, JsonObject experiment)
    {
        var text = experiment.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Write(name, text);
        return text;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a watcher may still hold it a moment; the temp folder is cleaned by the system */ }
    }
}
