namespace SelfRef.Core.Accounts;

/// <summary>A researcher who may log in. The password is kept only as a salted hash.</summary>
public sealed record ResearcherAccount
{
    public string Id { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public DateTime CreatedAt { get; init; }
}
