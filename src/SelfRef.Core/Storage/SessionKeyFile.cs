using System.Security.Cryptography;
using System.Text;

namespace SelfRef.Core.Storage;

/// <summary>The two keys of a session: one for everything it holds, one for what identifies the participant.</summary>
public sealed record SessionKeys(byte[] Content, byte[]? Identifiers);

/// <summary>
/// Every session's keys, in a small file of their own kept apart from the database (the key folder).
/// Erasing data means destroying its key: a key's record is overwritten with zeros in place and
/// flushed to disk before the erasure counts as done, so whatever of the session is left in the
/// database's free pages or log can no longer be read. No file is ever replaced or rebuilt.
///
/// The file is a header and fixed-size records, each (kind, session id, key, checksum). A
/// record is written whole into a free slot and flushed before the key is used; a record torn by
/// a crash fails its checksum and counts as absent (a key being created was never used, a key
/// being destroyed was meant to go). Writes are serialised by a lock and each is flushed
/// (fsync, about 0.3 ms here) before it returns.
/// </summary>
public sealed class SessionKeyFile : IDisposable
{
    public const string FileName = "session-keys.bin";
    private const int RecordSize = 128, HeaderSize = 128, KeySize = 32, MaxIdBytes = 64, FileIdBytes = 16;
    private const int FileIdOffset = 25, StorageKeyOffset = FileIdOffset + FileIdBytes;
    private const int IdOffset = 2, KeyOffset = IdOffset + MaxIdBytes, SumOffset = KeyOffset + KeySize, SumSize = 8;
    private static readonly byte[] Magic = "SELFREF SESSION KEYS v1\n"u8.ToArray();

    private enum Kind : byte { Free = 0, Content = 1, Identifiers = 2 }

    private readonly FileStream _file;
    private readonly Lock _gate = new();
    // Writes made and writes known to be on disk: sessions started at once share one fsync (see FlushTo).
    private long _writes, _flushed;
    private readonly Lock _flushGate = new();
    // Slot of each live record, keyed (session id, kind); free slots to reuse before the file grows.
    private readonly Dictionary<(string Id, Kind Kind), (long Slot, byte[] Key)> _records = [];
    private readonly SortedSet<long> _free = [];
    private long _slots;

    public SessionKeyFile(string folder)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var isNew = !File.Exists(Path);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try { _file = new FileStream(Path, options); }
        catch (IOException e) { throw new IOException($"the key file {Path} is in use by another SelfRef process; stop it first", e); }
        if (isNew || _file.Length == 0) WriteHeader();
        else Load();
    }

    public string Path { get; }

    /// <summary>Random id of this key file, made when it was created; a database records the id of its key file.</summary>
    public string Id { get; private set; } = "";

    /// <summary>
    /// The key of the ids a store files sessions under (<see cref="StorageId"/>), made with the
    /// file and never destroyed: the database holds no pseudonym in the clear, so what an erased
    /// session leaves in free pages does not name it.
    /// </summary>
    private byte[] _storageKey = [];

    /// <summary>The id under which a session's records and keys are filed: 128 bits of HMAC-SHA256 of its pseudonym, lower-case hex.</summary>
    public string StorageId(string sessionId) => StorageIdOf(_storageKey, sessionId);

    /// <summary>A session's storage id under a store's storage key (every store files sessions alike).</summary>
    public static string StorageIdOf(byte[] storageKey, string sessionId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(storageKey, Encoding.UTF8.GetBytes(sessionId)).AsSpan(0, 16));

    // Sessions are named by their storage id here (see StorageId), never by their pseudonym.

    /// <summary>How many sessions have a content key.</summary>
    public int Count { get { lock (_gate) return _records.Keys.Count(k => k.Kind == Kind.Content); } }

    /// <summary>Every session that has a content key.</summary>
    public IReadOnlyList<string> Sessions() { lock (_gate) return _records.Keys.Where(k => k.Kind == Kind.Content).Select(k => k.Id).ToList(); }

    /// <summary>The session's keys; null when it has none (never stored, or erased).</summary>
    public SessionKeys? Find(string sessionId)
    {
        lock (_gate) return FindHeld(sessionId);
    }

    private SessionKeys? FindHeld(string sessionId) =>
        _records.TryGetValue((sessionId, Kind.Content), out var content)
            ? new SessionKeys(content.Key, _records.TryGetValue((sessionId, Kind.Identifiers), out var ids) ? ids.Key : null)
            : null;

    /// <summary>Makes both keys of a new session and flushes them to disk before returning.</summary>
    public SessionKeys Create(string sessionId)
    {
        var id = Encoding.UTF8.GetBytes(sessionId);
        if (id.Length is 0 or > MaxIdBytes) throw new ArgumentException($"a session id must be 1 to {MaxIdBytes} bytes", nameof(sessionId));
        SessionKeys keys;
        long written;
        lock (_gate)
        {
            if (FindHeld(sessionId) is { } existing) return existing;
            keys = new SessionKeys(RandomNumberGenerator.GetBytes(KeySize), RandomNumberGenerator.GetBytes(KeySize));
            Put(sessionId, Kind.Content, keys.Content);
            Put(sessionId, Kind.Identifiers, keys.Identifiers!);
            written = _writes;
        }
        FlushTo(written);
        return keys;
    }

    /// <summary>
    /// Flushes to disk every record written up to write number <paramref name="upTo"/>. One caller
    /// at a time flushes everything written so far; callers whose writes it covered need not flush
    /// again, so many sessions starting at once cost a few fsyncs, not one each.
    /// </summary>
    private void FlushTo(long upTo)
    {
        lock (_flushGate)
        {
            if (Volatile.Read(ref _flushed) >= upTo) return;
            long covered;
            lock (_gate) covered = _writes;
            RandomAccess.FlushToDisk(_file.SafeFileHandle);
            Volatile.Write(ref _flushed, covered);
        }
    }

    /// <summary>Destroys the key of the session's identifying data (retention has ended). Returns whether there was one.</summary>
    public bool DestroyIdentifiers(string sessionId)
    {
        lock (_gate) return Destroy(sessionId, Kind.Identifiers);
    }

    /// <summary>Destroys both keys of the session: nothing it sent or answered can be read again. Returns whether it had any.</summary>
    public bool DestroyAll(string sessionId)
    {
        lock (_gate)
        {
            var any = Destroy(sessionId, Kind.Identifiers, flush: false) | Destroy(sessionId, Kind.Content, flush: false);
            if (any) RandomAccess.FlushToDisk(_file.SafeFileHandle);
            return any;
        }
    }

    private bool Destroy(string sessionId, Kind kind, bool flush = true)
    {
        if (!_records.Remove((sessionId, kind), out var record)) return false;
        WriteSlot(record.Slot, new byte[RecordSize]);
        _free.Add(record.Slot);
        if (flush) RandomAccess.FlushToDisk(_file.SafeFileHandle);
        return true;
    }

    private void Put(string sessionId, Kind kind, byte[] key)
    {
        var record = new byte[RecordSize];
        record[0] = (byte)kind;
        var id = Encoding.UTF8.GetBytes(sessionId);
        record[1] = (byte)id.Length;
        id.CopyTo(record, IdOffset);
        key.CopyTo(record, KeyOffset);
        Checksum(record).CopyTo(record, SumOffset);
        long slot;
        if (_free.Count > 0) { slot = _free.Min; _free.Remove(slot); }
        else slot = _slots++;
        WriteSlot(slot, record);
        _records[(sessionId, kind)] = (slot, key);
    }

    // Written at its offset through the handle (pwrite), so a flush by another thread never meets a half-moved file position.
    private void WriteSlot(long slot, byte[] record)
    {
        RandomAccess.Write(_file.SafeFileHandle, record, HeaderSize + slot * RecordSize);
        _writes++;
    }

    private static byte[] Checksum(ReadOnlySpan<byte> record) => SHA256.HashData(record[..SumOffset])[..SumSize];

    private void WriteHeader()
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        header[Magic.Length] = RecordSize;
        RandomNumberGenerator.Fill(header.AsSpan(FileIdOffset, FileIdBytes + KeySize));
        ReadHeader(header);
        _file.Position = 0;
        _file.Write(header);
        _file.Flush(flushToDisk: true);
        _slots = 0;
    }

    private void ReadHeader(byte[] header)
    {
        Id = Convert.ToHexStringLower(header.AsSpan(FileIdOffset, FileIdBytes));
        _storageKey = header.AsSpan(StorageKeyOffset, KeySize).ToArray();
    }

    private void Load()
    {
        var header = new byte[HeaderSize];
        _file.Position = 0;
        if (_file.Read(header) != HeaderSize || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic) || header[Magic.Length] != RecordSize)
            throw new InvalidDataException($"{Path} is not a SelfRef session key file");
        ReadHeader(header);
        _slots = (_file.Length - HeaderSize) / RecordSize;
        var record = new byte[RecordSize];
        var torn = new List<long>();
        for (long slot = 0; slot < _slots; slot++)
        {
            _file.Position = HeaderSize + slot * RecordSize;
            _file.ReadExactly(record);
            var kind = (Kind)record[0];
            var length = record[1];
            var valid = kind is Kind.Content or Kind.Identifiers && length is > 0 and <= MaxIdBytes
                && Checksum(record).AsSpan().SequenceEqual(record.AsSpan(SumOffset, SumSize));
            if (!valid)
            {
                if (record.Any(b => b != 0)) torn.Add(slot);
                _free.Add(slot);
                continue;
            }
            var id = Encoding.UTF8.GetString(record, IdOffset, length);
            if (!_records.TryAdd((id, kind), (slot, record.AsSpan(KeyOffset, KeySize).ToArray()))) torn.Add(slot);
        }
        // An identifier key without its content key belongs to nothing readable (its pair was torn or half destroyed).
        foreach (var orphan in _records.Keys.Where(k => k.Kind == Kind.Identifiers && !_records.ContainsKey((k.Id, Kind.Content))).ToList())
        {
            torn.Add(_records[orphan].Slot);
            _records.Remove(orphan);
        }
        // A record cut short (crash while writing) or one slot too many: clear it, so the file holds only what counts.
        foreach (var slot in torn)
        {
            WriteSlot(slot, new byte[RecordSize]);
            _free.Add(slot);
        }
        if (torn.Count > 0) RandomAccess.FlushToDisk(_file.SafeFileHandle);
    }

    public void Dispose() => _file.Dispose();
}
