using BenchmarkDotNet.Attributes;
using BlurVideo.Imaging;
using BlurVideo.Measurement;

namespace BlurVideo.Benchmarks;

/// <summary>
/// Motion compensation of one 320×320 blur map (DIS optical flow on the frame, the zero-motion test, the warp), as
/// the temporal smoother runs it per frame: two frames of the synthetic camera pan, aligned in turn.
/// </summary>
[MemoryDiagnoser]
public class AlignmentBenchmarks
{
    private const int MapSize = 320;

    private readonly byte[][] _frames = new byte[2][];
    private TemporalAligner? _aligner;
    private float[] _map = [];
    private float[] _warped = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var scene = new SyntheticFocusPullScene(new SyntheticSceneOptions { PullFocus = false, CameraPanPixels = 40 });
        for (var i = 0; i < _frames.Length; i++)
        {
            _frames[i] = new byte[scene.Width * scene.Height * 3];
            scene.Render(i * 3, _frames[i], scene.Width * 3);
        }

        var random = new Random(1);
        _map = Enumerable.Range(0, MapSize * MapSize).Select(_ => random.NextSingle()).ToArray();
        _warped = new float[_map.Length];
        _aligner = new TemporalAligner(MapSize, MapSize);
    }

    [GlobalCleanup]
    public void Cleanup() => _aligner?.Dispose();

    [Benchmark(Description = "align a 320x320 map to a 320x240 frame")]
    public bool Align()
    {
        var frame = _frames[_next];
        _next ^= 1;
        return _aligner!.Align(frame, 320, 240, 320 * 3, _map, _warped).Aligned;
    }
}
