using LiteDB;

namespace SelfRef.Core.Storage;

/// <summary>The transaction a <see cref="SingleWriter"/> opens for each group; every call comes from the writer thread.</summary>
public interface IGroupTransactions
{
    void Begin();
    void Commit();
    void Rollback();
}

/// <summary>LiteDB's transaction of the writer thread.</summary>
internal sealed class LiteDbTransactions(LiteDatabase db) : IGroupTransactions
{
    public void Begin() => db.BeginTrans();

    public void Commit()
    {
        if (!db.Commit()) throw new LiteException(0, "the database did not commit the transaction");
    }

    public void Rollback() => db.Rollback();
}
