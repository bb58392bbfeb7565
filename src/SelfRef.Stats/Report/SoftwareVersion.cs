using System.Reflection;

namespace SelfRef.Stats.Report;

/// <summary>
/// The program's version as a methods section cites it: the assembly's informational version, which the
/// .NET SDK writes as "1.0.0+&lt;git commit&gt;" when the build sees the repository (the commit is absent when
/// built from a copy without .git).
/// </summary>
public static class SoftwareVersion
{
    public static string Current { get; } = Describe(
        typeof(SoftwareVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>"SelfRef 1.0.0 (git commit 8826f83)"; "SelfRef 1.0.0 (no git commit recorded in this build)".</summary>
    public static string Describe(string? informational)
    {
        if (string.IsNullOrWhiteSpace(informational)) return "SelfRef (version not recorded in this build)";
        var plus = informational.IndexOf('+');
        if (plus < 0) return $"SelfRef {informational} (no git commit recorded in this build)";
        var commit = informational[(plus + 1)..];
        return $"SelfRef {informational[..plus]} (git commit {(commit.Length > 12 ? commit[..12] : commit)})";
    }
}
