using System.Text.Json;

namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>Moving the participant's map as a person does: drags and the mouse wheel (the page exposes Leaflet's map as window.selfref.map).</summary>
public static class MapView
{
    public static async Task<(double Lat, double Lng, double Zoom)> View(this IPage page)
    {
        var v = await page.EvaluateAsync<JsonElement>("() => { const m = window.selfref.map, c = m.getCenter(); return { lat: c.lat, lng: c.lng, zoom: m.getZoom() }; }");
        return (v.GetProperty("lat").GetDouble(), v.GetProperty("lng").GetDouble(), v.GetProperty("zoom").GetDouble());
    }

    /// <summary>A point of the page where a place is drawn.</summary>
    public static async Task<(float X, float Y)> PointOf(this IPage page, double lat, double lng)
    {
        var p = await page.EvaluateAsync<JsonElement>(
            "([lat, lng]) => { const m = window.selfref.map, r = m.getContainer().getBoundingClientRect(), p = m.latLngToContainerPoint([lat, lng]); return { x: r.left + p.x, y: r.top + p.y }; }",
            new[] { lat, lng });
        return ((float)p.GetProperty("x").GetDouble(), (float)p.GetProperty("y").GetDouble());
    }

    /// <summary>A point of the map given as shares of its width and height.</summary>
    public static async Task<(float X, float Y)> MapPoint(this IPage page, double fx, double fy)
    {
        var box = (await page.Locator(".map-canvas").BoundingBoxAsync())!;
        return ((float)(box.X + box.Width * fx), (float)(box.Y + box.Height * fy));
    }

    public static async Task Drag(this IPage page, (double X, double Y) from, (double X, double Y) to)
    {
        var (x1, y1) = await page.MapPoint(from.X, from.Y);
        var (x2, y2) = await page.MapPoint(to.X, to.Y);
        await page.DragPixels((x1, y1), (x2, y2));
    }

    public static async Task DragPixels(this IPage page, (float X, float Y) from, (float X, float Y) to)
    {
        await page.Mouse.MoveAsync(from.X, from.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(to.X, to.Y, new() { Steps = 12 });
        // A person who wants the place to stay in the middle stops before letting go; otherwise
        // Leaflet's inertia carries the map on.
        await page.WaitForTimeoutAsync(250);
        await page.Mouse.MoveAsync(to.X + 1, to.Y);
        await page.Mouse.UpAsync();
        await page.WaitForTimeoutAsync(300);
    }

    /// <summary>As a person does it: drag the place to the middle, wheel in there, and again until close enough.</summary>
    public static async Task ZoomWithWheelOnto(this IPage page, double lat, double lng, double zoom)
    {
        for (var round = 0; round < 15 && await page.EvaluateAsync<double>("() => window.selfref.map.getZoom()") < zoom; round++)
        {
            var middle = await page.MapPoint(0.5, 0.5);
            await page.DragPixels(await page.PointOf(lat, lng), middle);
            var before = await page.EvaluateAsync<double>("() => window.selfref.map.getZoom()");
            await page.Mouse.MoveAsync(middle.X, middle.Y);
            await page.Mouse.WheelAsync(0, -240);
            await page.WaitForFunctionAsync($"() => window.selfref.map.getZoom() > {before}");
            await page.WaitForTimeoutAsync(400);
        }
        await page.DragPixels(await page.PointOf(lat, lng), await page.MapPoint(0.5, 0.5));
    }
}
