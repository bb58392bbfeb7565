using System.Text;

namespace SelfRef.Core.Experiments;

/// <summary>Turns a JSON Pointer ("/steps/2/id") into the JSON path a researcher reads ("$.steps[2].id").</summary>
public static class JsonPaths
{
    public static string FromPointer(string pointer)
    {
        var path = new StringBuilder("$");
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Replace("~1", "/").Replace("~0", "~");
            path.Append(token.All(char.IsAsciiDigit) ? $"[{token}]" : $".{token}");
        }
        return path.ToString();
    }
}
