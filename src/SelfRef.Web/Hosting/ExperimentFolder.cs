namespace SelfRef.Web.Hosting;

/// <summary>Whether the experiments folder can be read at all: the one condition, about experiments, for the server to start.</summary>
public static class ExperimentFolder
{
    /// <summary>Null when the folder can be listed; else one line saying why not.</summary>
    public static string? Problem(string folder)
    {
        if (!Directory.Exists(folder))
            return $"{folder}: experiments folder not found (run from the repository root or pass --experiments <folder>)";
        try
        {
            _ = Directory.EnumerateFiles(folder, "*.json").Take(1).ToList();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{folder}: the experiments folder cannot be read: {e.Message}";
        }
    }
}
