using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>
/// One server on a real loopback socket and one Debian Chromium per test class; each test opens
/// its own browser context (its own cookies and localStorage, like a new participant).
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public BrowserFixture() : this(new SelfRefFactory()) { }

    /// <summary>For a fixture whose server is set up differently (xunit wants one public constructor).</summary>
    protected BrowserFixture(SelfRefFactory server) => Server = server;

    public SelfRefFactory Server { get; }
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright _playwright = null!;

    public async Task InitializeAsync()
    {
        BaseUrl = Server.StartOnKestrel();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SELFREF_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // No sandbox as root in CI; no background traffic to hosts this machine cannot reach.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public Task<IBrowserContext> NewContext(string locale = "en-GB", bool phone = false) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
            HasTouch = phone,
            IsMobile = phone,
        });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Server.DisposeAsync();
    }
}
