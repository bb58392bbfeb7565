using Microsoft.AspNetCore.Authentication.Cookies;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;
using SelfRef.Web.Hosting;
using SelfRef.Web.Participant;
using SelfRef.Web.Researcher;

// The verbs (validate, export, …), --help and mistakes in the arguments end here, before any host is built.
var command = CommandLine.Parse(args);
if (!command.Serves) return command.Run(Console.In, Console.Out, Console.Error);
// No new allocator arenas beyond two for a server's native memory, not one per busy thread (Hosting/NativeHeap.cs).
NativeHeap.LimitArenas();

// Configuration, the same for serving and every verb (SelfRefHost): appsettings.json beside the
// program, SelfRef__… environment, command line; a wrong setting is one line before anything starts.
var builder = SelfRefHost.CreateBuilder(command.Settings, serving: true);
if (SelfRefHost.Settings(builder.Configuration, Console.Error) is not { } settings) return 2;
builder.WebHost.UseStaticWebAssets();
// MapStaticAssets would otherwise, when run from a build (not a publish), check every file against
// the build's manifest on each request and, finding a newer time stamp, send it "compressed" with
// no compression and no caching. wwwroot changes with a build, never while serving.
builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";

// Experiments: the server starts whenever the folder can be read; a wrong file is listed with its
// errors (dashboard, log) and the others are served. The folder is watched while serving.
if (ExperimentFolder.Problem(settings.ExperimentsPath) is { } unreadable)
{
    Console.Error.WriteLine(unreadable);
    return 1;
}

// Services: one store per database file, identifiers in it encrypted with keys kept outside it,
// the experiments and their versions, the session rules and their limits, hubs, researcher login.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddKeyFolder(settings.KeyFolderPath);
// What identifies follows the experiments' versions as they come (the catalog keeps it current).
var identifying = new IdentifyingData([]);
// The store: the LiteDB file (default) or PostgreSQL (--store postgres --connection-string …).
builder.Services.AddSingleton<IStore>(_ => IdentifierProtection.OpenStore(settings, identifying, Console.Out));
// Stopping (SIGTERM) may not wait long for open connections: the store flushes what it acknowledged either way.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
builder.Services.AddSingleton(sp => ExperimentCatalog.Load(settings.ExperimentsPath, sp.GetRequiredService<IStore>(), sp.GetRequiredService<TimeProvider>(), identifying));
builder.Services.AddHostedService<ExperimentWatcher>();
builder.Services.AddSingleton(sp => new OutcomeDeriver(sp));
builder.Services.AddSingleton(sp => new SessionService(sp.GetRequiredService<IStore>(), sp.GetRequiredService<ExperimentCatalog>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutcomeDeriver>()));
builder.Services.AddSingleton<OutcomeUpdater>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OutcomeUpdater>());
// The participant pages' own words: a wrong translation file or folder stops the start with one line naming it.
UiText ui;
try { ui = new UiText(UiText.Load(settings.Translations)); }
catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
builder.Services.AddSingleton(ui);
builder.Services.AddSingleton<ParticipantPage>();
builder.Services.AddGazetteer(builder.Configuration);
builder.Services.AddHostedService<AbandonedSessionSweeper>();
builder.Services.AddClientAddresses();
builder.Services.AddSecureCookies();
builder.Services.AddSessionStartLimit();
builder.Services.AddSingleton(sp => new RetentionPass(sp.GetRequiredService<SessionService>(), sp.GetRequiredService<IStore>(), sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<PrivacySweeper>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<PrivacySweeper>());
builder.Services.AddPublicCompression();
var signalR = builder.Services.AddSignalR(hub => hub.MaximumReceiveMessageSize = ParticipantHub.MaxMessageBytes);
// Several instances behind one proxy share live views and login keys through Redis (docs/deploy.md, scale-out).
if (settings.Redis is { Length: > 0 } redis && builder.AddScaleOut(signalR, redis, Console.Error) is null) return 1;
// Each researcher page names its policy (Researcher/Policies.cs); the folder's login requirement is the safety net.
builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/Researcher").AllowAnonymousToPage("/Researcher/Login"))
    .AddMvcOptions(mvc => mvc.Filters.Add<PostPolicyFilter>());
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
{
    cookie.LoginPath = "/researcher/login";
    cookie.Cookie.Name = "selfref.researcher";
    cookie.Cookie.HttpOnly = true;
    cookie.Cookie.SameSite = SameSiteMode.Strict;
    cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
    // A role that may not open a page gets 403 with a sentence, not a redirect to a page that does not exist.
    cookie.Events.OnRedirectToAccessDenied = context => AccessDenied.Write(context.HttpContext);
    cookie.Events.OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<ResearcherAccounts>().ValidatePrincipal(context);
});
builder.Services.AddAuthorization(Policies.AddResearcherPolicies);
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ExperimentMembershipHandler>();
builder.Services.AddSingleton<ResearcherAccounts>();
builder.Services.AddSingleton<LoginThrottle>();
builder.Services.AddSingleton<SelfRef.Core.Tasks.Pen.HandwrittenSheets>();
builder.Services.AddSingleton<CodingQueue>();
builder.Services.AddSingleton<ProgressTracker>();
builder.Services.AddSingleton<ExperimentNotifier>();
builder.Services.AddSingleton(sp => new ExperimentFiles(sp.GetRequiredService<ExperimentCatalog>()));

var app = builder.Build();

// Middleware: the client's address and scheme first (forwarded by configured proxies only).
app.UseClientAddresses();
app.UseCookiePolicy();
var catalog = app.Services.GetRequiredService<ExperimentCatalog>();
app.UseSecurityHeaders(catalog);
app.UseParticipantPrivacyHeaders();
app.UsePublicCompression();
app.UseImmutableChunks();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

// Areas. Static files (wwwroot) compressed at build, with ETags: see Hosting/StaticAssets.cs.
app.MapStaticAssets();
app.MapHealth();
app.MapParticipant();
// The participant's privacy page (/privacy/{experiment}) and /withdraw are Razor pages in Pages/, mapped with the researcher's.
app.MapPlaces();
app.MapResearcher();

// A store that can no longer write stops the server (non-zero exit) instead of taking work it cannot keep.
var exitCode = app.StopWhenStoreFails();
// First start: a researcher account exists before anyone can log in; links are printed once listening.
app.Services.GetRequiredService<ResearcherAccounts>().EnsureFirstAccount(Console.Out);
// Researchers' live pages hear of every session change from the first one on.
app.Services.GetRequiredService<ExperimentNotifier>();
app.Lifetime.ApplicationStarted.Register(() => StartupLinks.Print(app, catalog, Console.Out));
try { app.Run(); }
catch (IOException e) when (AddressInUse.Is(e))
{
    Console.Error.WriteLine(AddressInUse.Describe(e));
    return 1;
}
return exitCode();

public partial class Program;
