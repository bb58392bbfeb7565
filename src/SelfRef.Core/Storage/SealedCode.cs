using System.Text.Json;
using SelfRef.Core.Coding;

namespace SelfRef.Core.Storage;

/// <summary>A coder's code as a store keeps it: sealed with the coded session's content key, so an erased session's codes go with it.</summary>
public static class SealedCode
{
    /// <summary>
    /// The id a code is filed under: the session's storage id and a hash of step and coder (a
    /// database may compare ids without regard to case, coder names do not).
    /// </summary>
    public static string Id(string storageId, string stepId, string slot) => $"{storageId}/{SealedSession.Hash(stepId + "\n" + slot)[..32]}";

    public static byte[] Close(CoderCode code, string id, SessionKeys keys)
    {
        var stored = code with { Id = CoderCode.Key(code.SessionId, code.StepId, code.Slot) };
        return Seal.Close(keys.Content, JsonSerializer.SerializeToUtf8Bytes(stored), $"code/{id}");
    }

    public static CoderCode? Open(byte[] sealedBody, string id, SessionKeys keys) =>
        JsonSerializer.Deserialize<CoderCode>(Seal.Open(keys.Content, sealedBody, $"code/{id}"));
}
