using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tests.Tasks.Map;

/// <summary>The real gazetteer (data/places.tsv, made by the build), loaded once for all map tests.</summary>
public sealed class GazetteerFixture
{
    public Gazetteer.Gazetteer Gazetteer { get; } = GazetteerFile.Shared(Path.Combine(SelfRef.Tests.Support.Repository.Root, GazetteerFile.DefaultName));

    public const int Berlin = 2950159, Munich = 2867714, Cologne = 2886242, Hamburg = 2911298, Nuremberg = 2861650, Dusseldorf = 2934246, Stuttgart = 2825297;
}

[CollectionDefinition(Name)]
public sealed class GazetteerCollection : ICollectionFixture<GazetteerFixture>
{
    public const string Name = "gazetteer";
}
