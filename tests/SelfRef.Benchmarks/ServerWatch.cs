using System.Diagnostics;
using SelfRef.Simulation.Load;

namespace SelfRef.Benchmarks;

/// <summary>
/// What a load run reads of the server process and of its own while it lasts: at every progress
/// report a <see cref="Sample"/> (CPU of both and of the machine, the server's resident memory,
/// the load average), and the server's resident memory every 200 ms for its peak. With several
/// instances "the server" is all of them: CPU times and resident memory summed.
/// </summary>
internal sealed class ServerWatch
{
    private readonly IReadOnlyList<ServerProcess> _servers;
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _serverStart = TimeSpan.Zero, _ownStart = TimeSpan.Zero;
    private readonly Task _sampler;
    private long _peakSampled;

    public ServerWatch(ServerProcess server) : this([server]) { }

    public ServerWatch(IReadOnlyList<ServerProcess> servers)
    {
        _servers = servers;
        _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
        _serverStart = ServerCpu();
        _sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                    Interlocked.Exchange(ref _peakSampled, Math.Max(Interlocked.Read(ref _peakSampled), ServerMemory().Rss));
            }
            catch (OperationCanceledException) { }
        });
    }

    public List<Sample> Samples
    {
        get { lock (_samples) return [.. _samples]; }
    }

    /// <summary>Reads the processes now, for a progress report.</summary>
    public Sample Take(LoadProgress progress)
    {
        var sample = new Sample(progress, ServerCpu(), Process.GetCurrentProcess().TotalProcessorTime, ServerMemory().Rss, ProcStatus.MachineBusy(), ProcStatus.LoadAverage());
        lock (_samples) _samples.Add(sample);
        return sample;
    }

    private TimeSpan ServerCpu() => _servers.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.CpuTime());

    // Peaks summed are an upper bound on the peak of the sum: the instances need not peak together.
    private (long Rss, long Peak) ServerMemory() => _servers.Select(s => s.Memory()).Aggregate((0L, 0L), (sum, m) => (sum.Item1 + m.Rss, sum.Item2 + m.Peak));

    /// <summary>Stops sampling: the server's peak memory (VmHWM, and the highest VmRSS sampled) and the CPU both processes used since the watch began.</summary>
    public async Task<WatchTotals> Stop()
    {
        await _stop.CancelAsync();
        await _sampler;
        var memory = ServerMemory();
        return new WatchTotals(Math.Max(memory.Rss, Interlocked.Read(ref _peakSampled)), memory.Peak,
            ServerCpu() - _serverStart, Process.GetCurrentProcess().TotalProcessorTime - _ownStart);
    }
}

internal sealed record WatchTotals(long RssPeakSampled, long Peak, TimeSpan ServerCpu, TimeSpan OwnCpu)
{
    /// <summary>The report's rows on memory and CPU: the server's peak, each process's share of the load window, the load average, CPU over the whole run.</summary>
    public void Rows(Action<string, string> row, IReadOnlyList<Sample> samples)
    {
        row("server peak memory (VmHWM / sampled VmRSS)", $"{Peak / 1048576.0:F0} / {RssPeakSampled / 1048576.0:F0} MiB");
        var load = samples.Where(s => s.Progress.Phase == LoadPhase.Load).ToList();
        if (load.Count >= 2)
        {
            var span = (load[^1].Progress.Elapsed - load[0].Progress.Elapsed).TotalSeconds;
            double Share(TimeSpan used) => used.TotalSeconds / span * 100;
            var serverShare = Share(load[^1].ServerCpu - load[0].ServerCpu);
            var ownShare = Share(load[^1].OwnCpu - load[0].OwnCpu);
            var machineShare = Share(load[^1].MachineBusy - load[0].MachineBusy);
            row("CPU in load window: server / load generator / other processes", $"{serverShare:F0} % / {ownShare:F0} % / {Math.Max(0, machineShare - serverShare - ownShare):F0} % (100 % = one core; {Environment.ProcessorCount * 100} % available)");
            row("load average (1 min) during the window", $"{load.Min(s => s.LoadAverage):F1} .. {load.Max(s => s.LoadAverage):F1}");
        }
        row("CPU whole run: server / load generator", $"{ServerCpu.TotalSeconds:F1} s / {OwnCpu.TotalSeconds:F1} s");
    }
}
