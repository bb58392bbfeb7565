namespace SelfRef.Core.Accounts;

/// <summary>
/// What an account may do. Owner: everything, including accounts and exports with identifiers;
/// researcher: run and edit studies, export without identifiers, code; coder: only their own
/// blind coding queue; viewer: dashboards and reports.
/// </summary>
public enum Role { Owner, Researcher, Coder, Viewer }

/// <summary>A person who may log in to the researcher area. The password is kept only as a salted hash.</summary>
public sealed record ResearcherAccount
{
    public string Id { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public DateTime CreatedAt { get; init; }

    /// <summary>Accounts stored before roles existed have no role field and read as owners: every account was one.</summary>
    public Role Role { get; init; } = Role.Owner;

    /// <summary>A disabled account cannot log in, and its open logins end at their next request.</summary>
    public bool Disabled { get; init; }

    /// <summary>The experiments a non-owner sees and works on (like JATOS study members); owners see every experiment.</summary>
    public List<string> Experiments { get; init; } = [];

    /// <summary>Changes when the password is reset or the account changes, so that logins made before it end.</summary>
    public string Stamp { get; init; } = "";

    public bool MemberOf(string experimentId) => Role == Role.Owner || Experiments.Contains(experimentId, StringComparer.Ordinal);
}

/// <summary>Role names as typed on the command line and shown on the pages.</summary>
public static class Roles
{
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<Role>().Select(r => r.Name()).ToList();

    public static Role? Parse(string? text) =>
        Enum.GetValues<Role>().Cast<Role?>().FirstOrDefault(r => string.Equals(r!.Value.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Describe(this Role role) => role switch
    {
        Role.Owner => "everything, including accounts and exports with identifiers",
        Role.Researcher => "runs and edits studies, exports without identifiers, codes",
        Role.Coder => "only their own coding queue (blind)",
        _ => "dashboards and reports",
    };
}
