using System.Buffers.Binary;

namespace SelfRef.Stats.Figures;

/// <summary>
/// Writes a PNG's physical pixel density (its pHYs chunk), so that a journal's or a word processor's
/// import places a 1950-pixel-wide figure as 6.5 inches at 300 dpi instead of guessing 96 dpi. SkiaSharp's
/// encoder writes no density.
/// </summary>
public static class PngDensity
{
    private const double MetresPerInch = 0.0254;

    public static byte[] WithDpi(byte[] png, double dpi)
    {
        if (png.Length < 33 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R')
            throw new ArgumentException("not a PNG that starts with its IHDR chunk", nameof(png));
        var perMetre = (uint)Math.Round(dpi / MetresPerInch);
        var chunk = new byte[4 + 4 + 9 + 4];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, 9);
        "pHYs"u8.CopyTo(chunk.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(12), perMetre);
        chunk[16] = 1; // unit: metre
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(17), Crc32(chunk.AsSpan(4, 4 + 9)));

        using var output = new MemoryStream(png.Length + chunk.Length);
        output.Write(png, 0, 33); // signature and IHDR
        output.Write(chunk);
        for (var at = 33; at < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var whole = 12 + length;
            if (!png.AsSpan(at + 4, 4).SequenceEqual("pHYs"u8)) output.Write(png, at, whole);
            at += whole;
        }
        return output.ToArray();
    }

    /// <summary>The density a PNG declares, in dots per inch; null without a pHYs chunk in metres.</summary>
    public static (double X, double Y)? Dpi(byte[] png)
    {
        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (png.AsSpan(at + 4, 4).SequenceEqual("pHYs"u8) && length == 9 && png[at + 16] == 1)
                return (BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8)) * MetresPerInch,
                        BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 12)) * MetresPerInch);
            at += 12 + length;
        }
        return null;
    }

    /// <summary>Width and height in pixels, from the IHDR chunk.</summary>
    public static (int Width, int Height) Size(byte[] png) =>
        ((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20)));

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
