using Bogus;
using SelfRef.Core.Tasks;

namespace SelfRef.Simulation.Participants;

/// <summary>
/// Makes participants with Bogus: a name from their locale's name lists, a home town of that
/// locale's country, a device, where they stop, and their truth in each task type, drawn from
/// <see cref="Behaviour"/>. The
/// participant with a given index is the same for the same seed, whatever else is generated.
/// </summary>
public sealed class ParticipantGenerator(Behaviour behaviour, Places places, int seed)
{
    public Behaviour Behaviour { get; } = behaviour;
    public Places Places { get; } = places;
    public int Seed { get; } = seed;

    public SimulatedParticipant Create(int index)
    {
        var random = Seeds.Random(Seed, index, "participant");
        var german = random.NextDouble() < Behaviour.German;
        var locale = Pick(Places.Locales.Where(l => (l.Language == "de") == german).ToList(), l => l.Share, random);
        var faker = new Faker(locale.Locale) { Random = new Randomizer(Seeds.Of(Seed, index, "bogus")) };
        var firstName = faker.Name.FirstName();
        var surname = faker.Name.LastName();
        var home = Places.HomeTown(locale.Country, random);

        var device = Pick([Device.Desktop, Device.Tablet, Device.Phone], d => d switch
        {
            Device.Desktop => Behaviour.Desktop,
            Device.Tablet => Behaviour.Tablet,
            _ => Behaviour.Phone,
        }, random);
        var (pointer, width, height, agent) = device switch
        {
            Device.Desktop => ("mouse", random.Next(1280, 1921), random.Next(700, 1081), faker.PickRandom(DesktopAgents)),
            Device.Tablet => (random.NextDouble() < 0.6 ? "pen" : "touch", random.Next(768, 1367), random.Next(900, 1025), faker.PickRandom(TabletAgents)),
            _ => ("touch", random.Next(360, 431), random.Next(640, 933), faker.PickRandom(PhoneAgents)),
        };

        // Who stops where. A participant who declines or leaves keeps their truths (Truth); they
        // are simply never observed.
        var declines = random.NextDouble() < Behaviour.Decline;
        var leavesAt = 1;
        while (leavesAt < 100 && random.NextDouble() >= Behaviour.DropOut) leavesAt++;

        return new SimulatedParticipant(
            index, Seeds.Of(Seed, index, "events"), locale.Locale, locale.Language, firstName, surname, home, Places.Shown(home),
            random.Next(18, 71), device, pointer, width, height, declines, leavesAt,
            agent, locale.AcceptLanguage, Token(random, 10), Token(random, 24, "0123456789abcdef"));
    }

    /// <summary>
    /// The participant's truth in a task type: whether their first action is self-referential, drawn
    /// with the task's true probability (<see cref="Behaviour.SelfReference"/>), and its latency. The
    /// same for every step of that type, and independent of the other task types and of the order of
    /// the steps.
    /// </summary>
    public TaskTruth Truth(SimulatedParticipant participant, TaskType task)
    {
        var random = Seeds.Random(Seed, participant.Index, "truth/" + task.Name);
        return new TaskTruth(random.NextDouble() < Behaviour.SelfReference(task), Behaviour.LatencyOf(task).Draw(random));
    }

    public IEnumerable<SimulatedParticipant> CreateMany(int count, int first = 0) => Enumerable.Range(first, count).Select(i => Create(i));

    private static T Pick<T>(IReadOnlyList<T> items, Func<T, double> weight, Random random)
    {
        var total = items.Sum(weight);
        var x = random.NextDouble() * total;
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0) return item;
        }
        return items[^1];
    }

    private static string Token(Random random, int length, string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") =>
        string.Create(length, (random, alphabet), (span, s) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = s.alphabet[s.random.Next(s.alphabet.Length)];
        });

    private static readonly string[] DesktopAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    ];

    private static readonly string[] TabletAgents =
    [
        "Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
    ];

    private static readonly string[] PhoneAgents =
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
    ];

}
