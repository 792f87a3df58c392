namespace BlurVideo.Imaging;

/// <summary>
/// Draws the monitor-style overlay of <see cref="OverlayOptions"/> over a BGR8 frame, in place: background (colour,
/// mono, black), heatmap / peaking / outline, zone grid with scores, then punch-in magnification. Heatmap and peaking
/// come from <see cref="OverlayRenderer"/>; the rest is drawn here.
/// </summary>
/// <remarks>Scratch buffers are reused while the frame size stays the same, so composing allocates nothing in
/// steady state. Use an instance from one thread at a time; dispose it to release the native renderer.</remarks>
internal sealed class OverlayComposer : IDisposable
{
    private const byte GridLevel = 255;

    // 3x5 digit glyphs, one row per 3 bits, top row first.
    private static readonly ushort[] Digits =
    [
        0b111_101_101_101_111, 0b010_110_010_010_111, 0b111_001_111_100_111, 0b111_001_111_001_111, 0b101_101_111_001_001,
        0b111_100_111_001_111, 0b111_100_111_101_111, 0b111_001_010_010_010, 0b111_101_111_101_111, 0b111_101_111_001_111,
    ];

    private readonly OverlayRenderer _renderer = new();
    private readonly int[] _edgeHistogram = new int[256];
    private float[] _frameMap = [];
    private byte[] _grey = [];
    private byte[] _scratch = [];

    /// <summary>Draws the overlay on <paramref name="bgr"/>.</summary>
    /// <param name="bgr">The frame, modified in place, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="stride">Bytes between rows.</param>
    /// <param name="map">The blur map, tightly packed, 1 = blurred, any size.</param>
    /// <param name="mapWidth">Map width.</param>
    /// <param name="mapHeight">Map height.</param>
    /// <param name="zoneScores">Zone scores row-major (used when <see cref="OverlayOptions.ZoneGrid"/> is on).</param>
    /// <param name="gridColumns">Zones per row.</param>
    /// <param name="options">The settings.</param>
    public void Compose(
        Span<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> map, int mapWidth, int mapHeight,
        ReadOnlySpan<float> zoneScores, int gridColumns, OverlayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (bgr.Length < ((height - 1) * stride) + (width * 3))
        {
            throw new ArgumentException("The frame buffer is smaller than its size.", nameof(bgr));
        }

        switch (options.Mode)
        {
            case OverlayMode.Peaking:
                var threshold = options.PeakingPercentile is { } percentile
                    ? EdgePercentile(bgr, width, height, stride, percentile)
                    : options.PeakingThreshold;
                _renderer.RenderFocusPeaking(bgr, width, height, stride, map, mapWidth, mapHeight, edgeThreshold: threshold, color: options.PeakingColor);
                PaintBackground(bgr, width, height, stride, options.Background, keep: options.PeakingColor);
                break;
            case OverlayMode.Outline:
                PaintBackground(bgr, width, height, stride, options.Background, keep: null);
                DrawOutline(bgr, width, height, stride, map, mapWidth, mapHeight, options.PeakingColor);
                break;
            default:
                PaintBackground(bgr, width, height, stride, options.Background, keep: null);
                _renderer.RenderHeatmap(bgr, width, height, stride, map, mapWidth, mapHeight, options.HeatmapOpacity);
                break;
        }

        if (options.ZoneGrid && gridColumns > 0 && zoneScores.Length >= gridColumns)
        {
            DrawZoneGrid(bgr, width, height, stride, zoneScores, gridColumns, zoneScores.Length / gridColumns);
        }

        if (options.Magnification > 1)
        {
            Magnify(bgr, width, height, stride, options.Magnification, options.MagnifyX, options.MagnifyY);
        }
    }

    public void Dispose() => _renderer.Dispose();

    /// <summary>Grey or black everywhere except pixels of the colour <paramref name="keep"/> (0xRRGGBB).</summary>
    private static void PaintBackground(Span<byte> bgr, int width, int height, int stride, OverlayBackground background, uint? keep)
    {
        if (background == OverlayBackground.Colour)
        {
            return;
        }

        var (keepB, keepG, keepR) = keep is { } colour ? ((byte)colour, (byte)(colour >> 8), (byte)(colour >> 16)) : ((byte)0, (byte)0, (byte)0);
        for (var y = 0; y < height; y++)
        {
            var row = bgr.Slice(y * stride, width * 3);
            for (var i = 0; i < row.Length; i += 3)
            {
                if (keep is not null && row[i] == keepB && row[i + 1] == keepG && row[i + 2] == keepR)
                {
                    continue;
                }

                var level = background == OverlayBackground.Black ? (byte)0 : Luma(row[i], row[i + 1], row[i + 2]);
                row[i] = row[i + 1] = row[i + 2] = level;
            }
        }
    }

    private static byte Luma(byte b, byte g, byte r) => (byte)(((29 * b) + (150 * g) + (77 * r) + 128) >> 8);

    /// <summary>The <paramref name="percentile"/>-th percentile of the frame's edge strengths (3x3 Sobel magnitude / 4, the renderer's measure).</summary>
    private float EdgePercentile(ReadOnlySpan<byte> bgr, int width, int height, int stride, float percentile)
    {
        if (_grey.Length != width * height)
        {
            _grey = new byte[width * height];
        }

        var grey = _grey.AsSpan();
        for (var y = 0; y < height; y++)
        {
            var row = bgr.Slice(y * stride, width * 3);
            for (var x = 0; x < width; x++)
            {
                grey[(y * width) + x] = Luma(row[x * 3], row[(x * 3) + 1], row[(x * 3) + 2]);
            }
        }

        Array.Clear(_edgeHistogram);
        var count = 0;
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                var (above, here, below) = ((y - 1) * width, y * width, (y + 1) * width);
                var gx = grey[above + x + 1] + (2 * grey[here + x + 1]) + grey[below + x + 1]
                         - grey[above + x - 1] - (2 * grey[here + x - 1]) - grey[below + x - 1];
                var gy = grey[below + x - 1] + (2 * grey[below + x]) + grey[below + x + 1]
                         - grey[above + x - 1] - (2 * grey[above + x]) - grey[above + x + 1];
                var strength = (int)(MathF.Sqrt((gx * gx) + (gy * gy)) / 4f);
                _edgeHistogram[Math.Min(strength, 255)]++;
                count++;
            }
        }

        var wanted = (long)Math.Ceiling(count * percentile / 100.0);
        long cumulative = 0;
        for (var level = 0; level < _edgeHistogram.Length; level++)
        {
            cumulative += _edgeHistogram[level];
            if (cumulative >= wanted)
            {
                return Math.Max(level, 1);
            }
        }

        return 255f;
    }

    /// <summary>Paints the in-focus pixels (blur below 0.5, the map resized to the frame) that touch a blurred one.</summary>
    private void DrawOutline(Span<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> map, int mapWidth, int mapHeight, uint colour)
    {
        if (_frameMap.Length != width * height)
        {
            _frameMap = new float[width * height];
        }

        MapResampler.Resize(map, mapWidth, mapHeight, _frameMap, width, height);
        var frameMap = _frameMap.AsSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                if (frameMap[i] >= 0.5f)
                {
                    continue;
                }

                var edge = (x > 0 && frameMap[i - 1] >= 0.5f) || (x < width - 1 && frameMap[i + 1] >= 0.5f)
                           || (y > 0 && frameMap[i - width] >= 0.5f) || (y < height - 1 && frameMap[i + width] >= 0.5f);
                if (edge)
                {
                    SetPixel(bgr, stride, x, y, colour);
                }
            }
        }
    }

    private static void DrawZoneGrid(Span<byte> bgr, int width, int height, int stride, ReadOnlySpan<float> scores, int columns, int rows)
    {
        for (var c = 1; c < columns; c++)
        {
            var x = c * width / columns;
            for (var y = 0; y < height; y++)
            {
                SetGrey(bgr, stride, x, y);
            }
        }

        for (var r = 1; r < rows; r++)
        {
            var y = r * height / rows;
            for (var x = 0; x < width; x++)
            {
                SetGrey(bgr, stride, x, y);
            }
        }

        var scale = Math.Max(1, height / 120);
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var percent = Math.Clamp((int)MathF.Round(scores[(r * columns) + c] * 100f), 0, 99);
                var left = (c * width / columns) + (2 * scale);
                var top = (r * height / rows) + (2 * scale);
                DrawDigit(bgr, width, height, stride, percent / 10, left, top, scale);
                DrawDigit(bgr, width, height, stride, percent % 10, left + (4 * scale), top, scale);
            }
        }
    }

    private static void DrawDigit(Span<byte> bgr, int width, int height, int stride, int digit, int left, int top, int scale)
    {
        var glyph = Digits[digit];
        for (var row = 0; row < 5 * scale; row++)
        {
            for (var column = 0; column < 3 * scale; column++)
            {
                var bit = 14 - ((row / scale) * 3) - (column / scale);
                var (x, y) = (left + column, top + row);
                if (((glyph >> bit) & 1) == 1 && x < width && y < height)
                {
                    SetGrey(bgr, stride, x, y);
                }
            }
        }
    }

    /// <summary>Scales the window of 1/<paramref name="factor"/> of the frame around the point up to the whole frame (nearest neighbour).</summary>
    private void Magnify(Span<byte> bgr, int width, int height, int stride, int factor, float centreX, float centreY)
    {
        var (windowWidth, windowHeight) = (Math.Max(1, width / factor), Math.Max(1, height / factor));
        var left = Math.Clamp((int)MathF.Round((centreX * width) - (windowWidth / 2f)), 0, width - windowWidth);
        var top = Math.Clamp((int)MathF.Round((centreY * height) - (windowHeight / 2f)), 0, height - windowHeight);
        var size = windowWidth * windowHeight * 3;
        if (_scratch.Length < size)
        {
            _scratch = new byte[size];
        }

        for (var y = 0; y < windowHeight; y++)
        {
            bgr.Slice(((top + y) * stride) + (left * 3), windowWidth * 3).CopyTo(_scratch.AsSpan(y * windowWidth * 3));
        }

        for (var y = 0; y < height; y++)
        {
            var source = _scratch.AsSpan(Math.Min(y * windowHeight / height, windowHeight - 1) * windowWidth * 3, windowWidth * 3);
            var row = bgr.Slice(y * stride, width * 3);
            for (var x = 0; x < width; x++)
            {
                var s = Math.Min(x * windowWidth / width, windowWidth - 1) * 3;
                row[x * 3] = source[s];
                row[(x * 3) + 1] = source[s + 1];
                row[(x * 3) + 2] = source[s + 2];
            }
        }
    }

    private static void SetPixel(Span<byte> bgr, int stride, int x, int y, uint colour)
    {
        var i = (y * stride) + (x * 3);
        bgr[i] = (byte)colour;
        bgr[i + 1] = (byte)(colour >> 8);
        bgr[i + 2] = (byte)(colour >> 16);
    }

    private static void SetGrey(Span<byte> bgr, int stride, int x, int y)
    {
        var i = (y * stride) + (x * 3);
        bgr[i] = bgr[i + 1] = bgr[i + 2] = GridLevel;
    }
}
