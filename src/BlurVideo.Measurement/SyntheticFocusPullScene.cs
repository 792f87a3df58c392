namespace BlurVideo.Measurement;

/// <summary>Settings of the <see cref="SyntheticFocusPullScene"/>.</summary>
public sealed record SyntheticSceneOptions
{
    public int Width { get; init; } = 320;

    public int Height { get; init; } = 240;

    /// <summary>Every random choice (textures, colours, sensor noise) derives from this seed.</summary>
    public int Seed { get; init; } = 1;

    public double FramesPerSecond { get; init; } = 25;

    /// <summary>Whether focus sweeps from near to far and back; false: it stays at the near end (1.1 dioptres).</summary>
    public bool PullFocus { get; init; } = true;

    /// <summary>Frames for one focus pull from near to far and back.</summary>
    public int FocusPullPeriodFrames { get; init; } = 100;

    /// <summary>Whether the ball moves; false: it stays where it is at frame 0.</summary>
    public bool MoveBall { get; init; } = true;

    /// <summary>Frames for one back-and-forth pass of the moving object (and of the camera pan).</summary>
    public int MotionPeriodFrames { get; init; } = 160;

    /// <summary>
    /// Amplitude of a horizontal camera pan, in whole pixels at 320 pixels of width: the whole scene slides left and
    /// right by up to this much, once per <see cref="MotionPeriodFrames"/>. 0 (the default): the camera stays still.
    /// </summary>
    public int CameraPanPixels { get; init; }

    /// <summary>Circle-of-confusion radius, in pixels at 320 pixels of width, for one dioptre of defocus.</summary>
    public float BlurRadiusPerDioptre { get; init; } = 7f;

    /// <summary>A pixel is labelled blurred when its circle-of-confusion radius (at 320 pixels of width) exceeds this.</summary>
    public float BlurredRadiusThreshold { get; init; } = 1.5f;

    /// <summary>Standard deviation of the sensor noise in grey levels.</summary>
    public float NoiseLevel { get; init; } = 2f;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 16, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 16, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FramesPerSecond, 0, nameof(FramesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(FocusPullPeriodFrames, 2, nameof(FocusPullPeriodFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(MotionPeriodFrames, 2, nameof(MotionPeriodFrames));
        ArgumentOutOfRangeException.ThrowIfNegative(BlurRadiusPerDioptre, nameof(BlurRadiusPerDioptre));
        ArgumentOutOfRangeException.ThrowIfNegative(BlurredRadiusThreshold, nameof(BlurredRadiusThreshold));
        ArgumentOutOfRangeException.ThrowIfNegative(NoiseLevel, nameof(NoiseLevel));
        ArgumentOutOfRangeException.ThrowIfNegative(CameraPanPixels, nameof(CameraPanPixels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CameraPanPixels, 64, nameof(CameraPanPixels));
    }
}

/// <summary>
/// A procedurally rendered focus pull with ground truth for every frame: three textured layers at
/// different depths (a far background, a panel at mid distance, a near ball that moves across the frame)
/// seen through a thin lens whose focus sweeps from near to far and back. Each layer is blurred with a
/// disk-shaped point-spread function whose radius is its circle of confusion, and layers are composited
/// back to front with blurred (occlusion-aware) alpha; optionally the camera pans, moving everything. A pixel's
/// label is "blurred" when the circle of confusion of the front-most layer covering it exceeds a threshold.
/// </summary>
/// <remarks>
/// Deterministic: the same options give the same pixels for the same frame index, in any order.
/// <see cref="Render"/> uses scratch buffers and must be called from one thread at a time;
/// <see cref="RenderLabel"/> and the geometry queries are thread-safe.
/// </remarks>
public sealed class SyntheticFocusPullScene
{
    private const float NearDioptres = 1.1f;
    private const float FarDioptres = 0.1f;
    private const int LayerCount = 3;

    // Depths in dioptres (1 / metres): background at 8 m, panel at 2.5 m, ball at 1 m.
    private static readonly float[] LayerDioptres = [0.125f, 0.4f, 1.0f];

    private readonly SyntheticSceneOptions _options;
    private readonly float _radiusScale;
    private readonly int _panPixels;
    private readonly int _textureWidth;
    private readonly float[] _background;
    private readonly float[] _panel;
    private readonly float[] _ballTexture;
    private readonly int _ballTextureSize;
    private readonly float[] _composite;
    private readonly float[] _layer;
    private readonly float[] _prefix;
    private readonly float[] _blurred;
    private readonly int[] _halfWidths = new int[64];

    public SyntheticFocusPullScene(SyntheticSceneOptions? options = null)
    {
        _options = options ?? new SyntheticSceneOptions();
        _options.Validate();
        var width = _options.Width;
        var height = _options.Height;
        _radiusScale = width / 320f;
        var random = new Random(_options.Seed);
        _panPixels = (int)MathF.Round(_options.CameraPanPixels * _radiusScale);
        _textureWidth = width + (2 * _panPixels);
        _background = MakeNoiseTexture(random, _textureWidth, height, cell: Math.Max(4, width / 16), octaves: 5);
        _panel = MakeCheckerTexture(random, _textureWidth, height, cell: Math.Max(3, width / 40));
        _ballTextureSize = (2 * BallRadius) + 2;
        _ballTexture = MakeNoiseTexture(random, _ballTextureSize, _ballTextureSize, cell: Math.Max(3, width / 64), octaves: 3);
        _composite = new float[width * height * 3];
        _layer = new float[width * height * 4];
        _prefix = new float[height * (width + 1) * 4];
        _blurred = new float[width * height * 4];
    }

    public SyntheticSceneOptions Options => _options;

    public int Width => _options.Width;

    public int Height => _options.Height;

    private int BallRadius => Math.Max(4, (int)(0.16f * _options.Height));

    /// <summary>Focus distance of a frame in dioptres (1 / metres): sweeps between 1.1 (near) and 0.1 (far).</summary>
    public float FocusDioptres(long frameIndex)
    {
        if (!_options.PullFocus)
        {
            return NearDioptres;
        }

        var period = _options.FocusPullPeriodFrames;
        var phase = (float)(frameIndex % period) / period;
        var triangle = phase < 0.5f ? phase * 2f : 2f - (phase * 2f);
        return NearDioptres + ((FarDioptres - NearDioptres) * triangle);
    }

    /// <summary>The circle-of-confusion radius, in pixels at the scene's size, above which a pixel is labelled blurred.</summary>
    public float BlurredRadiusThresholdPixels => _options.BlurredRadiusThreshold * _radiusScale;

    /// <summary>Circle-of-confusion radius in pixels of layer 0 (background), 1 (panel) or 2 (ball) at a frame.</summary>
    public float BlurRadius(long frameIndex, int layer) =>
        _options.BlurRadiusPerDioptre * _radiusScale * MathF.Abs(FocusDioptres(frameIndex) - LayerDioptres[layer]);

    /// <summary>Renders frame <paramref name="frameIndex"/> as BGR8 into <paramref name="bgr"/> (rows <paramref name="stride"/> bytes apart).</summary>
    public void Render(long frameIndex, Span<byte> bgr, int stride)
    {
        var width = _options.Width;
        var height = _options.Height;
        if (stride < width * 3 || bgr.Length < ((height - 1) * stride) + (width * 3))
        {
            throw new ArgumentException("The buffer is smaller than the scene.", nameof(bgr));
        }

        Array.Clear(_composite);
        for (var layer = 0; layer < LayerCount; layer++)
        {
            var box = FillLayer(frameIndex, layer, BlurRadius(frameIndex, layer));
            CompositeLayer(box, BlurRadius(frameIndex, layer));
        }

        WritePixels(frameIndex, bgr, stride);
    }

    /// <summary>
    /// Writes the ground truth of frame <paramref name="frameIndex"/>: one byte per pixel, row-major at the
    /// scene's size, 1 = blurred, 0 = sharp.
    /// </summary>
    public void RenderLabel(long frameIndex, Span<byte> label)
    {
        var width = _options.Width;
        var height = _options.Height;
        if (label.Length < width * height)
        {
            throw new ArgumentException("The label buffer is smaller than the scene.", nameof(label));
        }

        var threshold = BlurredRadiusThresholdPixels;
        Span<byte> blurred = stackalloc byte[LayerCount];
        for (var layer = 0; layer < LayerCount; layer++)
        {
            blurred[layer] = BlurRadius(frameIndex, layer) > threshold ? (byte)1 : (byte)0;
        }

        var (ballX, ballY) = BallCentre(frameIndex);
        var pan = CameraPan(frameIndex);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                label[(y * width) + x] = blurred[FrontLayer(x, y, ballX, ballY, pan)];
            }
        }
    }

    /// <summary>
    /// Writes the circle-of-confusion radius (pixels) of the front-most layer at every pixel of frame
    /// <paramref name="frameIndex"/>, row-major at the scene's size: the quantity the label thresholds.
    /// </summary>
    public void RenderBlurRadius(long frameIndex, Span<float> radius)
    {
        var width = _options.Width;
        var height = _options.Height;
        if (radius.Length < width * height)
        {
            throw new ArgumentException("The radius buffer is smaller than the scene.", nameof(radius));
        }

        Span<float> layerRadius = stackalloc float[LayerCount];
        for (var layer = 0; layer < LayerCount; layer++)
        {
            layerRadius[layer] = BlurRadius(frameIndex, layer);
        }

        var (ballX, ballY) = BallCentre(frameIndex);
        var pan = CameraPan(frameIndex);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                radius[(y * width) + x] = layerRadius[FrontLayer(x, y, ballX, ballY, pan)];
            }
        }
    }

    /// <summary>Centre of the moving ball at a frame, in pixels of the frame (the camera's pan included).</summary>
    public (float X, float Y) BallCentre(long frameIndex)
    {
        var angle = _options.MoveBall ? 2 * Math.PI * (frameIndex % _options.MotionPeriodFrames) / _options.MotionPeriodFrames : 0;
        return ((float)(_options.Width * (0.5 + (0.32 * Math.Sin(angle)))) - CameraPan(frameIndex), (float)(_options.Height * (0.6 + (0.08 * Math.Sin(2 * angle)))));
    }

    /// <summary>How far the camera has panned right at a frame, in whole pixels: the scene appears moved left by as much.</summary>
    public int CameraPan(long frameIndex) =>
        (int)MathF.Round(_panPixels * MathF.Sin(2 * MathF.PI * (frameIndex % _options.MotionPeriodFrames) / _options.MotionPeriodFrames));

    /// <summary>The layer that covers a pixel at least half: 2 (ball) over 1 (panel) over 0 (background).</summary>
    private int FrontLayer(int x, int y, float ballX, float ballY, int pan)
    {
        if (BallAlpha(x, y, ballX, ballY) >= 0.5f)
        {
            return 2;
        }

        return PanelAlpha(x + pan, y) >= 0.5f ? 1 : 0;
    }

    private float PanelAlpha(float x, float y)
    {
        // A rounded rectangle with a one-pixel anti-aliased edge, in scene coordinates (x: frame x + pan).
        float left = 0.08f * Width, right = 0.50f * Width, top = 0.12f * Height, bottom = 0.72f * Height;
        var corner = 0.05f * Width;
        var cx = (left + right) / 2;
        var cy = (top + bottom) / 2;
        var qx = MathF.Abs(x + 0.5f - cx) - ((right - left) / 2) + corner;
        var qy = MathF.Abs(y + 0.5f - cy) - ((bottom - top) / 2) + corner;
        var outside = MathF.Sqrt((MathF.Max(qx, 0) * MathF.Max(qx, 0)) + (MathF.Max(qy, 0) * MathF.Max(qy, 0)));
        var distance = outside + MathF.Min(MathF.Max(qx, qy), 0) - corner;
        return Math.Clamp(0.5f - distance, 0f, 1f);
    }

    private float BallAlpha(float x, float y, float ballX, float ballY)
    {
        var dx = x + 0.5f - ballX;
        var dy = y + 0.5f - ballY;
        return Math.Clamp(BallRadius + 0.5f - MathF.Sqrt((dx * dx) + (dy * dy)), 0f, 1f);
    }

    /// <summary>Writes the layer's premultiplied RGBA into <see cref="_layer"/> over its box grown by the blur radius; returns that box.</summary>
    private (int X0, int Y0, int X1, int Y1) FillLayer(long frameIndex, int layer, float radius)
    {
        var width = _options.Width;
        var height = _options.Height;
        var grow = (int)MathF.Ceiling(radius) + 1;
        int x0, y0, x1, y1;
        var (ballX, ballY) = BallCentre(frameIndex);
        var pan = CameraPan(frameIndex);
        switch (layer)
        {
            case 0:
                (x0, y0, x1, y1) = (0, 0, width, height);
                break;
            case 1:
                (x0, y0, x1, y1) = ((int)(0.08f * width) - 1 - pan, (int)(0.12f * height) - 1, (int)(0.50f * width) + 2 - pan, (int)(0.72f * height) + 2);
                break;
            default:
                (x0, y0, x1, y1) = ((int)(ballX - BallRadius) - 2, (int)(ballY - BallRadius) - 2, (int)(ballX + BallRadius) + 3, (int)(ballY + BallRadius) + 3);
                break;
        }

        x0 = Math.Max(0, x0 - grow);
        y0 = Math.Max(0, y0 - grow);
        x1 = Math.Min(width, x1 + grow);
        y1 = Math.Min(height, y1 + grow);

        var ballOriginX = (int)MathF.Floor(ballX) - (_ballTextureSize / 2);
        var ballOriginY = (int)MathF.Floor(ballY) - (_ballTextureSize / 2);
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var o = ((y * width) + x) * 4;
                float alpha;
                float r, g, b;
                if (layer == 0)
                {
                    alpha = 1f;
                    var t = ((y * _textureWidth) + x + pan + _panPixels) * 3;
                    (r, g, b) = (_background[t], _background[t + 1], _background[t + 2]);
                }
                else if (layer == 1)
                {
                    alpha = PanelAlpha(x + pan, y);
                    var t = ((y * _textureWidth) + x + pan + _panPixels) * 3;
                    (r, g, b) = (_panel[t], _panel[t + 1], _panel[t + 2]);
                }
                else
                {
                    alpha = BallAlpha(x, y, ballX, ballY);
                    var tx = Math.Clamp(x - ballOriginX, 0, _ballTextureSize - 1);
                    var ty = Math.Clamp(y - ballOriginY, 0, _ballTextureSize - 1);
                    var t = ((ty * _ballTextureSize) + tx) * 3;
                    (r, g, b) = (_ballTexture[t], _ballTexture[t + 1], _ballTexture[t + 2]);
                }

                _layer[o] = r * alpha;
                _layer[o + 1] = g * alpha;
                _layer[o + 2] = b * alpha;
                _layer[o + 3] = alpha;
            }
        }

        return (x0, y0, x1, y1);
    }

    /// <summary>Blurs the layer inside its box with a disk of the given radius and composites it over <see cref="_composite"/>.</summary>
    private void CompositeLayer((int X0, int Y0, int X1, int Y1) box, float radius)
    {
        var width = _options.Width;
        var height = _options.Height;
        var (x0, y0, x1, y1) = box;
        var boxWidth = x1 - x0;
        var reach = Math.Min((int)MathF.Floor(radius + 0.5f), _halfWidths.Length - 1);
        float[] source;
        if (reach == 0)
        {
            source = _layer;
        }
        else
        {
            for (var dy = 0; dy <= reach; dy++)
            {
                _halfWidths[dy] = (int)MathF.Floor(MathF.Sqrt(MathF.Max(0f, ((radius + 0.5f) * (radius + 0.5f)) - (dy * dy))));
            }

            // Row prefix sums of the box: prefix[row][i] = sum of pixels x0 .. x0 + i - 1 of that row.
            var prefixRow = (boxWidth + 1) * 4;
            for (var y = y0; y < y1; y++)
            {
                var p = (y - y0) * prefixRow;
                _prefix[p] = _prefix[p + 1] = _prefix[p + 2] = _prefix[p + 3] = 0f;
                var l = ((y * width) + x0) * 4;
                for (var i = 0; i < boxWidth * 4; i++)
                {
                    _prefix[p + 4 + i] = _prefix[p + i] + _layer[l + i];
                }
            }

            for (var y = y0; y < y1; y++)
            {
                for (var x = x0; x < x1; x++)
                {
                    float r = 0, g = 0, b = 0, a = 0;
                    var count = 0;
                    for (var dy = -reach; dy <= reach; dy++)
                    {
                        var sy = y + dy;
                        if (sy < 0 || sy >= height)
                        {
                            continue;
                        }

                        var half = _halfWidths[Math.Abs(dy)];
                        count += Math.Min(x + half, width - 1) - Math.Max(x - half, 0) + 1;
                        if (sy < y0 || sy >= y1)
                        {
                            continue;
                        }

                        var from = Math.Clamp(x - half, x0, x1) - x0;
                        var to = Math.Clamp(x + half + 1, x0, x1) - x0;
                        var row = (sy - y0) * prefixRow;
                        var pf = row + (from * 4);
                        var pt = row + (to * 4);
                        r += _prefix[pt] - _prefix[pf];
                        g += _prefix[pt + 1] - _prefix[pf + 1];
                        b += _prefix[pt + 2] - _prefix[pf + 2];
                        a += _prefix[pt + 3] - _prefix[pf + 3];
                    }

                    var o = ((y * width) + x) * 4;
                    var inverse = 1f / count;
                    _blurred[o] = r * inverse;
                    _blurred[o + 1] = g * inverse;
                    _blurred[o + 2] = b * inverse;
                    _blurred[o + 3] = a * inverse;
                }
            }

            source = _blurred;
        }

        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var s = ((y * width) + x) * 4;
                var c = ((y * width) + x) * 3;
                var keep = 1f - source[s + 3];
                _composite[c] = source[s] + (keep * _composite[c]);
                _composite[c + 1] = source[s + 1] + (keep * _composite[c + 1]);
                _composite[c + 2] = source[s + 2] + (keep * _composite[c + 2]);
            }
        }
    }

    private void WritePixels(long frameIndex, Span<byte> bgr, int stride)
    {
        var width = _options.Width;
        var height = _options.Height;
        var noise = _options.NoiseLevel;
        var frameSeed = Hash((uint)_options.Seed ^ 0x9E3779B9u, (uint)frameIndex);
        for (var y = 0; y < height; y++)
        {
            var row = bgr.Slice(y * stride, width * 3);
            for (var x = 0; x < width; x++)
            {
                var c = ((y * width) + x) * 3;
                var h = Hash(frameSeed, (uint)((y * width) + x));
                // Sum of two uniforms: triangular noise with the requested standard deviation (sqrt(6) * sigma half-width).
                var n = (((h & 0xFFFF) + (h >> 16)) / 65535f - 1f) * noise * 2.449f;
                row[x * 3] = ToByte(_composite[c + 2] + n);
                row[(x * 3) + 1] = ToByte(_composite[c + 1] + n);
                row[(x * 3) + 2] = ToByte(_composite[c] + n);
            }
        }
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)(value + 0.5f), 0, 255);

    private static uint Hash(uint seed, uint value)
    {
        var h = (value * 0x85EBCA6Bu) ^ seed;
        h ^= h >> 16;
        h *= 0x7FEB352Du;
        h ^= h >> 15;
        h *= 0x846CA68Bu;
        h ^= h >> 16;
        return h;
    }

    /// <summary>Colourful multi-octave value noise (RGB, 0–255) with fine detail, so that blur is visible everywhere.</summary>
    private static float[] MakeNoiseTexture(Random random, int width, int height, int cell, int octaves)
    {
        var colourA = RandomColour(random);
        var colourB = RandomColour(random);
        var texture = new float[width * height * 3];
        var intensity = new float[width * height];
        var amplitude = 1f;
        var total = 0f;
        for (var octave = 0; octave < octaves; octave++)
        {
            var size = Math.Max(2, cell >> octave);
            var gridWidth = (width / size) + 2;
            var gridHeight = (height / size) + 2;
            var grid = new float[gridWidth * gridHeight];
            for (var i = 0; i < grid.Length; i++)
            {
                grid[i] = (float)random.NextDouble();
            }

            for (var y = 0; y < height; y++)
            {
                var gy = (float)y / size;
                var iy = (int)gy;
                var fy = gy - iy;
                for (var x = 0; x < width; x++)
                {
                    var gx = (float)x / size;
                    var ix = (int)gx;
                    var fx = gx - ix;
                    var top = grid[(iy * gridWidth) + ix] + ((grid[(iy * gridWidth) + ix + 1] - grid[(iy * gridWidth) + ix]) * fx);
                    var bottom = grid[((iy + 1) * gridWidth) + ix] + ((grid[((iy + 1) * gridWidth) + ix + 1] - grid[((iy + 1) * gridWidth) + ix]) * fx);
                    intensity[(y * width) + x] += amplitude * (top + ((bottom - top) * fy));
                }
            }

            total += amplitude;
            // Fine octaves keep most of their weight: every layer must show detail where it is sharp.
            amplitude *= 0.95f;
        }

        for (var i = 0; i < intensity.Length; i++)
        {
            var t = Math.Clamp((((intensity[i] / total) - 0.5f) * 3f) + 0.5f, 0f, 1f);
            for (var c = 0; c < 3; c++)
            {
                texture[(i * 3) + c] = colourA[c] + ((colourB[c] - colourA[c]) * t);
            }
        }

        AddGrain(random, texture, width, height);
        return texture;
    }

    /// <summary>A checkerboard of random colours with thin dark lines: strong edges at a known scale.</summary>
    private static float[] MakeCheckerTexture(Random random, int width, int height, int cell)
    {
        var palette = new float[6][];
        for (var i = 0; i < palette.Length; i++)
        {
            palette[i] = RandomColour(random);
        }

        var texture = new float[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = palette[(((x / cell) * 7) + ((y / cell) * 3)) % palette.Length];
                var line = x % cell == 0 || y % cell == 0;
                for (var c = 0; c < 3; c++)
                {
                    texture[(((y * width) + x) * 3) + c] = line ? colour[c] * 0.25f : colour[c];
                }
            }
        }

        AddGrain(random, texture, width, height);
        return texture;
    }

    /// <summary>
    /// Crisp two-pixel grain (like foliage, fabric or print) of ±32 grey levels: the fine detail that a disk
    /// PSF of a few pixels removes and an in-focus layer keeps.
    /// </summary>
    private static void AddGrain(Random random, float[] texture, int width, int height)
    {
        var seed = (uint)random.Next();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var grain = ((Hash(seed, (uint)(((y / 2) * 65536) + (x / 2))) & 0xFF) / 255f * 64f) - 32f;
                var i = ((y * width) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    texture[i + c] = Math.Clamp(texture[i + c] + grain, 0f, 255f);
                }
            }
        }
    }

    private static float[] RandomColour(Random random) =>
        [30f + (200f * (float)random.NextDouble()), 30f + (200f * (float)random.NextDouble()), 30f + (200f * (float)random.NextDouble())];
}
