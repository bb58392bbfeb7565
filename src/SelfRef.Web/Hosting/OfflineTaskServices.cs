using SelfRef.Core.Gazetteer;
using SelfRef.Core.Tasks;

namespace SelfRef.Web.Hosting;

/// <summary>
/// What task derivations may ask for when a verb works on the database without the server (the
/// gazetteer from the shipped file), so that the verbs derive outcomes as the server does.
/// </summary>
public sealed class OfflineTaskServices(string? gazetteerPath = null) : IServiceProvider
{
    private readonly Lazy<Gazetteer> _gazetteer = new(() => GazetteerFile.Shared(GazetteerFile.Locate(gazetteerPath)));

    public object? GetService(Type serviceType) => serviceType == typeof(Gazetteer) ? _gazetteer.Value : null;

    public static OutcomeDeriver Deriver(string? gazetteerPath = null) => new(new OfflineTaskServices(gazetteerPath));
}
