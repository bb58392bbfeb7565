using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// A name-letter step as wwwroot/tasks/name-letters.js logs it: the grid in an order shuffled from
/// the page's seed as it appears, then a pick per click with the letter, its place in the grid and
/// the pointer, now and then a letter let go again, and the click on "continue". The first letter
/// picked is one of the person's initials (shown in the grid) when the truth says so, otherwise a
/// letter that is none of them; later picks favour the initials a little, as people do (the
/// name-letter effect). Habit: "picks", how many letters a person picks in all (at least the
/// step's minPicks, at most its maxPicks).
/// </summary>
public static class NameLettersScript
{
    /// <summary>How many letters a person picks, unless the simulation says otherwise.</summary>
    public const double UsualPicks = 5;

    public static IReadOnlyList<ClientEvent> Events(NameLettersStep step, TaskSimulation context)
    {
        var events = new EventList();
        var seed = context.Random.NextInt64(0, 1L << 32);
        var grid = step.LetterList().ToList();
        // Fisher–Yates, as the page shuffles (with its own generator: the order is read from the event, never recomputed).
        for (var i = grid.Count - 1; i > 0; i--)
        {
            var j = context.Random.Next(i + 1);
            (grid[i], grid[j]) = (grid[j], grid[i]);
        }
        events.Add(-context.Uniform(2, 12), NameLettersEvents.Grid, new { seed, letters = grid, columns = step.Columns });

        var person = context.Person;
        var initials = NameInitials.Of(person.FirstName, person.Surname);
        bool IsInitial(string letter) => initials.Initial(letter) != InitialOf.None;
        var own = grid.Where(IsInitial).ToList();
        var others = grid.Where(l => !IsInitial(l)).ToList();
        // A truth that cannot be acted out (no initial shown, or nothing else shown) picks from what there is.
        var firstFrom = context.SelfReferentialFirst ? (own.Count > 0 ? own : others) : (others.Count > 0 ? others : own);
        var first = firstFrom[context.Random.Next(firstFrom.Count)];

        var limit = step.MaxPicks > 0 ? step.MaxPicks : grid.Count;
        var wanted = Math.Clamp((int)Math.Round(context.Habit("picks", UsualPicks) + context.Uniform(-2, 2)), Math.Max(1, step.MinPicks), limit);
        var picked = new List<string>();
        var t = context.LatencyMs;
        void Pick(string letter)
        {
            events.Add(t, NameLettersEvents.Pick, new { letter, index = grid.IndexOf(letter), pt = context.Device.Pointer });
            picked.Add(letter);
        }

        Pick(first);
        while (picked.Count < wanted)
        {
            t += context.Uniform(350, 1800);
            var left = grid.Except(picked).ToList();
            var favoured = left.Where(IsInitial).ToList();
            Pick(favoured.Count > 0 && context.Chance(0.3) ? favoured[context.Random.Next(favoured.Count)] : left[context.Random.Next(left.Count)]);
            // Second thoughts: a later letter let go again, another taken instead.
            if (picked.Count > 1 && picked.Count < grid.Count && context.Chance(0.1))
            {
                t += context.Uniform(300, 1200);
                var letter = picked[^1];
                events.Add(t, NameLettersEvents.Unpick, new { letter, index = grid.IndexOf(letter), pt = context.Device.Pointer });
                picked.RemoveAt(picked.Count - 1);
                if (grid.Except(picked).Where(l => l != letter).ToList() is { Count: > 0 } rest)
                {
                    t += context.Uniform(300, 1200);
                    Pick(rest[context.Random.Next(rest.Count)]);
                }
            }
        }
        events.Add(t + context.Uniform(800, 4000), "ui.click", new { target = "continue" });
        return events.Events;
    }

    /// <summary>The name the person gives later, under the questions the step compares with.</summary>
    public static IReadOnlyDictionary<string, string> Answers(NameLettersStep step, SimulatedPerson person) =>
        new Dictionary<string, string> { [step.FirstNameQuestion] = person.FirstName, [step.SurnameQuestion] = person.Surname };
}
