using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tests.Sessions;

public class AssignmentTests
{
    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 1000)]
    [InlineData(4, 999)]
    public void Conditions_stay_balanced_over_1000_sessions(int conditions, int sessions)
    {
        var counts = new int[conditions];
        for (var slot = 0; slot < sessions; slot++)
        {
            counts[BlockRandomization.ConditionOf(seed: 1902, conditions, slot)]++;
            // After every completed block all conditions have the same count; within a block they differ by at most one.
            Assert.True(counts.Max() - counts.Min() <= 1, $"after {slot + 1} participants the conditions hold {string.Join("/", counts)}");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_another_seed_another()
    {
        var first = Enumerable.Range(0, 200).Select(s => BlockRandomization.ConditionOf(7, 2, s)).ToList();
        var again = Enumerable.Range(0, 200).Select(s => BlockRandomization.ConditionOf(7, 2, s)).ToList();
        var other = Enumerable.Range(0, 200).Select(s => BlockRandomization.ConditionOf(8, 2, s)).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Blocks_are_shuffled_not_alternating()
    {
        var sequence = Enumerable.Range(0, 100).Select(s => BlockRandomization.ConditionOf(1, 2, s)).ToList();
        var blocksStartingWithFirst = Enumerable.Range(0, 50).Count(b => sequence[2 * b] == 0);
        Assert.InRange(blocksStartingWithFirst, 10, 40);
    }

    [Fact]
    public void A_freed_slot_goes_to_the_next_participant()
    {
        var table = new SlotTable([]);
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(_ => table.Take()));
        table.Release(1);
        Assert.Equal(1, table.Take());
        Assert.Equal(4, table.Take());
    }

    [Fact]
    public void Slots_taken_before_a_restart_stay_taken_and_gaps_are_filled_first()
    {
        var table = new SlotTable([0, 1, 3]);
        Assert.Equal(2, table.Take());
        Assert.Equal(4, table.Take());
        Assert.Equal(5, table.TakenCount);
    }

    [Fact]
    public void A_returning_session_takes_its_own_slot_back_only_while_it_is_free()
    {
        var table = new SlotTable([]);
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(_ => table.Take()));
        table.Release(1);
        Assert.True(table.TryTakeSlot(1));
        Assert.False(table.TryTakeSlot(1));
        Assert.Equal(3, table.Take());
    }

    [Fact]
    public void A_slot_above_every_taken_one_leaves_the_ones_between_free()
    {
        var table = new SlotTable([0]);
        Assert.True(table.TryTakeSlot(3));
        Assert.Equal([1, 2, 4], Enumerable.Range(0, 3).Select(_ => table.Take()));
    }
}
