using SelfRef.Core.Events;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

/// <summary>The store contract on LiteDB: a file of each test's own.</summary>
public class LiteDbStoreContractTests : StoreContractTests
{
    private readonly TempDatabase _file = new();

    protected override IStore OpenStore(StoreOptions options) => new LiteDbStore(_file.Path, options);

    protected override (long Writes, long Commits, long Retries) Counters(IStore store) => ((LiteDbStore)store).WriterCounters;

    protected override void FailAfterBatchInsert(IStore store, Action<string, EventBatch> fail) => ((LiteDbStore)store).AfterBatchInsert = fail;

    protected override void DeleteDatabase() => _file.Dispose();
}

public class LiteDbStoreLockTests
{
    [Fact]
    public void A_second_store_on_the_same_file_is_refused_instead_of_corrupting_it()
    {
        using var file = new TempDatabase();
        using (var first = new LiteDbStore(file.Path))
        {
            var error = Assert.Throws<IOException>(() => new LiteDbStore(file.Path));
            Assert.Contains("in use by another SelfRef process", error.Message);
        }
        using var afterwards = new LiteDbStore(file.Path);
        Assert.Equal(0, afterwards.AccountCount());
    }
}
