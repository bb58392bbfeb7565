using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Storage;

/// <summary>
/// A session as a store keeps it: the whole record sealed with the session's content key, and
/// inside it the identifying answers and recruitment ids sealed once more with its identifier
/// key. Only what a store must look up by stays plain: the session's storage id (see
/// SessionKeyFile.StorageId: not the pseudonym), the experiment and the SHA-256 of the token and
/// of the withdrawal code (secrets are never stored, so a lookup is an exact comparison of their
/// hashes whatever the database's collation).
/// </summary>
public static class SealedSession
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>What is sealed: the session without its identifying values, and those values each sealed apart.</summary>
    private sealed record Body(Session Session, Dictionary<string, byte[]> Answers, Dictionary<string, byte[]> Recruitment);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static byte[] Close(Session session, string storageId, SessionKeys keys, IdentifyingData identifying)
    {
        var answers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var recruitment = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var plainAnswers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in session.Answers)
        {
            if (!identifying.IsIdentifyingAnswer(session.ExperimentId, key)) plainAnswers[key] = value;
            // Once the identifier key is destroyed, identifying values are not kept at all.
            else if (keys.Identifiers is { } idKey) answers[key] = Seal.Close(idKey, Encoding.UTF8.GetBytes(value), $"answer/{storageId}/{key}");
        }
        if (keys.Identifiers is { } recruitmentKey)
            foreach (var (key, value) in session.Recruitment)
                recruitment[key] = Seal.Close(recruitmentKey, Encoding.UTF8.GetBytes(value), $"recruitment/{storageId}/{key}");
        var body = new Body(session with { Answers = plainAnswers, Recruitment = [] }, answers, recruitment);
        return Seal.Close(keys.Content, JsonSerializer.SerializeToUtf8Bytes(body, Json), $"session/{storageId}");
    }

    /// <summary>The session; identifying values whose key is destroyed are left out.</summary>
    public static Session Open(string storageId, byte[] sealedBody, SessionKeys keys)
    {
        var id = storageId;
        var body = JsonSerializer.Deserialize<Body>(Seal.Open(keys.Content, sealedBody, $"session/{id}"), Json)
            ?? throw new InvalidDataException($"session record {id} is empty");
        var session = body.Session;
        if (keys.Identifiers is not { } idKey) return session;
        var answers = new Dictionary<string, string>(session.Answers, StringComparer.Ordinal);
        foreach (var (key, value) in body.Answers) answers[key] = Encoding.UTF8.GetString(Seal.Open(idKey, value, $"answer/{id}/{key}"));
        var recruitment = body.Recruitment.ToDictionary(r => r.Key, r => Encoding.UTF8.GetString(Seal.Open(idKey, r.Value, $"recruitment/{id}/{r.Key}")), StringComparer.Ordinal);
        return session with { Answers = answers, Recruitment = recruitment };
    }
}
