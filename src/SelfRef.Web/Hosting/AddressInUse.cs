using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace SelfRef.Web.Hosting;

/// <summary>
/// A port already in use is one line naming the address (Program.cs catches Kestrel's exception
/// around <c>app.Run()</c>). The host also logs that exception with its stack trace ("Hosting
/// failed to start", some 40 lines): that one log entry is left out. Every other entry, and every
/// other start failure, is logged as before.
/// </summary>
public static class AddressInUse
{
    // The category of Microsoft.Extensions.Hosting.Internal.Host, which logs a failed start.
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static bool Is(Exception? e) => e is IOException { InnerException: AddressInUseException };

    /// <summary>Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:5080: address already in use."</summary>
    public static string Describe(Exception e) => $"serve: {e.Message} Is another server running there? Choose another address with --urls.";

    public static void LeaveOutAddressInUseTrace(this IServiceCollection services) =>
        // The factory the logging set-up registers, built the same way, behind a filter for the host's category.
        services.AddSingleton<ILoggerFactory>(provider => new Filtered(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(),
            provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(),
            provider.GetService<IExternalScopeProvider>())));

    private sealed class Filtered(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == HostCategory ? new Quiet(inner.CreateLogger(categoryName)) : inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class Quiet(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!Is(exception)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
