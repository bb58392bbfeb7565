using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Hosting;

/// <summary>
/// The database and the experiments as a verb opens them (the server stopped): the store with the
/// server's keys, and the catalog of the experiments folder with every version the database holds,
/// so a verb reads each session by the version it ran on, as the server does. A wrong file does not
/// stop a verb that does not need it.
/// </summary>
public sealed class OpenedStudy : IDisposable
{
    private OpenedStudy(IStore store, ExperimentCatalog catalog) => (Store, Catalog) = (store, catalog);

    public IStore Store { get; }
    public ExperimentCatalog Catalog { get; }

    /// <exception cref="ExperimentLoadException">the experiments folder cannot be read.</exception>
    /// <remarks>With Store = postgres the verb reads the PostgreSQL database, also while servers use it.</remarks>
    public static OpenedStudy Open(SelfRefOptions settings) =>
        Open(identifying => IdentifierProtection.OpenStore(settings, identifying), settings.ExperimentsPath);

    /// <exception cref="ExperimentLoadException">the experiments folder cannot be read.</exception>
    public static OpenedStudy Open(string database, string keyFolder, string experimentsFolder) =>
        Open(identifying => IdentifierProtection.OpenStore(database, keyFolder, identifying), experimentsFolder);

    private static OpenedStudy Open(Func<IdentifyingData, IStore> openStore, string experimentsFolder)
    {
        if (ExperimentFolder.Problem(experimentsFolder) is { } unreadable)
            throw new ExperimentLoadException([new ExperimentError(experimentsFolder, "$", unreadable)]);
        var identifying = new IdentifyingData([]);
        var store = openStore(identifying);
        try { return new OpenedStudy(store, ExperimentCatalog.Load(experimentsFolder, store, identifying: identifying)); }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Every version of the experiment: served now, or known from the database only (its file removed or wrong).</summary>
    /// <exception cref="IOException">no such experiment, naming the known ones and the files with errors.</exception>
    public ExperimentHistory Find(string id) => Catalog.History(id) ?? throw new IOException(
        $"no experiment '{id}'; known: {string.Join(", ", Catalog.Histories.Select(h => h.Id).Order(StringComparer.Ordinal))}{Problems()}");

    /// <summary>The files with errors, as a sentence to add to a message; empty when there are none.</summary>
    public string Problems() => Catalog.Problems.Count == 0 ? ""
        : $" (files with errors: {string.Join("; ", Catalog.Problems.Select(p => $"{p.File}: {p.Errors[0].JsonPath}: {p.Errors[0].Message}"))})";

    public void Dispose() => Store.Dispose();
}
