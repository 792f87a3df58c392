using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BlurVideo.Imaging;
using OpenCvSharp;
using NativeVideoReader = BlurVideo.Imaging.VideoReader;

namespace BlurVideo.Benchmarks;

/// <summary>
/// Every kernel that native/ keeps, beside the same work done through OpenCvSharp, in one run on one 1280×720 frame
/// (categories pair them). Capture decodes an H.264 clip (Debian's FFmpeg under native/, the runtime package's own
/// under OpenCvSharp); preprocessing makes the 320×320 network input; the map resize and the heatmap are the
/// overlay's work, with focus peaking; the region finder gives the focus figures' in-focus region; the flow aligns a 320×320 map with the frame before (DIS under native/; OpenCvSharp's managed API
/// has no DIS, so its nearest is Farnebäck).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class NativeKernelBenchmarks
{
    private const int Width = 1280;
    private const int Height = 720;
    private const int Side = 320;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private string _folder = "";
    private string _clip = "";
    private NativeVideoReader? _reader;
    private VideoCapture? _capture;
    private byte[] _frame = [];
    private byte[] _nextFrame = [];
    private byte[] _decoded = [];
    private float[] _tensor = [];
    private float[] _map = [];
    private float[] _warped = [];
    private float[] _fullMap = [];
    private Preprocessor? _preprocessor;
    private OverlayRenderer? _overlay;
    private TemporalAligner? _aligner;
    private FocusRegionFinder? _regions;
    private readonly Mats _mats = new();
    private bool _odd;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("blurvideo-kernels-").FullName;
        _clip = Path.Combine(_folder, "clip.mp4");
        using (var ffmpeg = Process.Start("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=30",
                   "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", _clip])!)
        {
            ffmpeg.WaitForExit();
        }

        _reader = new NativeVideoReader(_clip);
        _capture = new VideoCapture(_clip, VideoCaptureAPIs.FFMPEG);
        _frame = BenchmarkModels.Frame(Width, Height);
        _nextFrame = [.. _frame.Skip(3 * 4), .. _frame.Take(3 * 4)]; // the same picture 4 pixels to the left
        _decoded = GC.AllocateUninitializedArray<byte>(Width * Height * 3, pinned: true);
        _tensor = GC.AllocateUninitializedArray<float>(3 * Side * Side, pinned: true);
        _map = GC.AllocateArray<float>(Side * Side, pinned: true);
        for (var i = 0; i < _map.Length; i++)
        {
            _map[i] = (i % Side) / (float)Side;
        }

        _warped = GC.AllocateUninitializedArray<float>(Side * Side, pinned: true);
        _fullMap = GC.AllocateUninitializedArray<float>(Width * Height, pinned: true);
        _preprocessor = new Preprocessor(Side, Side, Mean, Std);
        _overlay = new OverlayRenderer();
        _aligner = new TemporalAligner(Side, Side, OpticalFlowPreset.Ultrafast, Side, Side);
        _regions = new FocusRegionFinder();
        _mats.Create(this);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mats.Dispose();
        _regions?.Dispose();
        _aligner?.Dispose();
        _overlay?.Dispose();
        _preprocessor?.Dispose();
        _capture?.Dispose();
        _reader?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "native (Debian OpenCV 4.6 + FFmpeg)"), BenchmarkCategory("decode 1280x720 H.264 frame")]
    public void DecodeNative()
    {
        if (!_reader!.TryReadFrame(_decoded, out _))
        {
            _reader.Dispose();
            _reader = new NativeVideoReader(_clip);
            _reader.TryReadFrame(_decoded, out _);
        }
    }

    [Benchmark(Description = "OpenCvSharp 4.13"), BenchmarkCategory("decode 1280x720 H.264 frame")]
    public void DecodeOpenCvSharp()
    {
        if (!_capture!.Read(_mats.Decoded) || _mats.Decoded.Empty())
        {
            _capture.Dispose();
            _capture = new VideoCapture(_clip, VideoCaptureAPIs.FFMPEG);
            _capture.Read(_mats.Decoded);
        }

        _mats.Decoded.CopyTo(_mats.DecodedInto); // into the caller's buffer, as the native reader delivers it
    }

    [Benchmark(Baseline = true, Description = "native (fused)"), BenchmarkCategory("preprocess 1280x720 -> 320x320 tensor")]
    public void PreprocessNative() => _preprocessor!.Run(_frame, Width, Height, Width * 3, _tensor);

    [Benchmark(Description = "OpenCvSharp (resize, extract and scale each plane)"), BenchmarkCategory("preprocess 1280x720 -> 320x320 tensor")]
    public void PreprocessOpenCvSharp()
    {
        Cv2.Resize(_mats.Frame, _mats.Resized, new Size(Side, Side), 0, 0, InterpolationFlags.Linear);
        for (var c = 0; c < 3; c++)
        {
            Cv2.ExtractChannel(_mats.Resized, _mats.Channels[c], c);
            // BGR planes into the tensor's R, G, B planes, normalized by the card's mean and std.
            var rgb = 2 - c;
            _mats.Channels[c].ConvertTo(_mats.TensorPlanes[rgb], MatType.CV_32F, 1.0 / (255 * Std[rgb]), -Mean[rgb] / Std[rgb]);
        }
    }

    [Benchmark(Baseline = true, Description = "native"), BenchmarkCategory("resize map 320x320 -> 1280x720")]
    public void MapResizeNative() => MapResampler.Resize(_map, Side, Side, _fullMap, Width, Height);

    [Benchmark(Description = "OpenCvSharp"), BenchmarkCategory("resize map 320x320 -> 1280x720")]
    public void MapResizeOpenCvSharp() => Cv2.Resize(_mats.Map, _mats.FullMap, new Size(Width, Height), 0, 0, InterpolationFlags.Linear);

    [Benchmark(Baseline = true, Description = "native (8-bit fixed point)"), BenchmarkCategory("heatmap overlay 1280x720")]
    public void HeatmapNative() => _overlay!.RenderHeatmap(_decoded, Width, Height, Width * 3, _map, Side, Side);

    [Benchmark(Description = "OpenCvSharp (resize, colour map, blend)"), BenchmarkCategory("heatmap overlay 1280x720")]
    public void HeatmapOpenCvSharp()
    {
        Cv2.Resize(_mats.Map, _mats.FullMap, new Size(Width, Height), 0, 0, InterpolationFlags.Linear);
        _mats.FullMap.ConvertTo(_mats.FullMap8, MatType.CV_8U, 255);
        Cv2.ApplyColorMap(_mats.FullMap8, _mats.Colored, ColormapTypes.Turbo);
        Cv2.AddWeighted(_mats.DecodedInto, 0.55, _mats.Colored, 0.45, 0, _mats.DecodedInto);
    }

    [Benchmark(Baseline = true, Description = "native (DIS ultrafast + warp)"), BenchmarkCategory("align 320x320 map to the next 1280x720 frame")]
    public void FlowNative() => _aligner!.Align((_odd = !_odd) ? _nextFrame : _frame, Width, Height, Width * 3, _map, _warped);

    [Benchmark(Description = "OpenCvSharp (Farneback + remap)"), BenchmarkCategory("align 320x320 map to the next 1280x720 frame")]
    public void FlowOpenCvSharp()
    {
        var current = (_odd = !_odd) ? _mats.NextFrame : _mats.Frame;
        Cv2.Resize(current, _mats.Small, new Size(Side, Side), 0, 0, InterpolationFlags.Area);
        Cv2.CvtColor(_mats.Small, _mats.CurrentGray, ColorConversionCodes.BGR2GRAY);
        Cv2.CalcOpticalFlowFarneback(_mats.PreviousGray, _mats.CurrentGray, _mats.Flow, 0.5, 3, 15, 3, 5, 1.2, OpticalFlowFlags.None);
        Cv2.Add(_mats.Flow, _mats.Grid, _mats.Flow);
        Cv2.Remap(_mats.Map, _mats.Warped, _mats.Flow, _mats.NoMap, InterpolationFlags.Linear, BorderTypes.Replicate);
        _mats.CurrentGray.CopyTo(_mats.PreviousGray);
    }

    [Benchmark(Baseline = true, Description = "native (Sobel only where sharp)"), BenchmarkCategory("focus peaking 1280x720")]
    public void PeakingNative() => _overlay!.RenderFocusPeaking(_decoded, Width, Height, Width * 3, _map, Side, Side);

    [Benchmark(Description = "OpenCvSharp (Sobel everywhere, magnitude, masks)"), BenchmarkCategory("focus peaking 1280x720")]
    public void PeakingOpenCvSharp()
    {
        Cv2.Compare(_mats.Map, 0.5, _mats.InFocus, CmpTypes.LT);
        Cv2.Resize(_mats.InFocus, _mats.FullMap8, new Size(Width, Height), 0, 0, InterpolationFlags.Linear);
        Cv2.CvtColor(_mats.DecodedInto, _mats.Gray, ColorConversionCodes.BGR2GRAY);
        Cv2.Sobel(_mats.Gray, _mats.EdgeX, MatType.CV_32F, 1, 0);
        Cv2.Sobel(_mats.Gray, _mats.EdgeY, MatType.CV_32F, 0, 1);
        Cv2.Magnitude(_mats.EdgeX, _mats.EdgeY, _mats.Edges);
        Cv2.Compare(_mats.Edges, 4 * 40.0, _mats.Strong, CmpTypes.GE);
        Cv2.Compare(_mats.FullMap8, 128, _mats.Sharp, CmpTypes.GE);
        Cv2.BitwiseAnd(_mats.Strong, _mats.Sharp, _mats.Strong);
        _mats.DecodedInto.SetTo(new Scalar(0x20, 0x20, 0xFF), _mats.Strong);
    }

    [Benchmark(Baseline = true, Description = "native"), BenchmarkCategory("largest in-focus region of a 320x320 map")]
    public int RegionNative() => _regions!.Find(_map, Side, Side).Area;

    [Benchmark(Description = "OpenCvSharp (compare, connected components)"), BenchmarkCategory("largest in-focus region of a 320x320 map")]
    public int RegionOpenCvSharp()
    {
        Cv2.Compare(_mats.Map, 0.5, _mats.InFocus, CmpTypes.LT);
        var count = Cv2.ConnectedComponentsWithStats(_mats.InFocus, _mats.Labels, _mats.Stats, _mats.Centroids);
        var largest = 1;
        for (var label = 2; label < count; label++)
        {
            if (_mats.Stats.At<int>(label, (int)ConnectedComponentsTypes.Area) > _mats.Stats.At<int>(largest, (int)ConnectedComponentsTypes.Area))
            {
                largest = label;
            }
        }

        return count > 1 ? _mats.Stats.At<int>(largest, (int)ConnectedComponentsTypes.Area) : 0;
    }

    /// <summary>The OpenCvSharp side's Mats, made once (headers over the benchmark's own buffers where it has them).</summary>
    private sealed class Mats : IDisposable
    {
        private readonly List<Mat> _all = [];

        public Mat Decoded { get; private set; } = null!;
        public Mat DecodedInto { get; private set; } = null!;
        public Mat Frame { get; private set; } = null!;
        public Mat NextFrame { get; private set; } = null!;
        public Mat Resized { get; private set; } = null!;
        public Mat[] Channels { get; private set; } = [];
        public Mat[] TensorPlanes { get; private set; } = [];
        public Mat Map { get; private set; } = null!;
        public Mat FullMap { get; private set; } = null!;
        public Mat FullMap8 { get; private set; } = null!;
        public Mat Colored { get; private set; } = null!;
        public Mat Small { get; private set; } = null!;
        public Mat PreviousGray { get; private set; } = null!;
        public Mat CurrentGray { get; private set; } = null!;
        public Mat Flow { get; private set; } = null!;
        public Mat Grid { get; private set; } = null!;
        public Mat Warped { get; private set; } = null!;
        public Mat NoMap { get; private set; } = null!;
        public Mat InFocus { get; private set; } = null!;
        public Mat Gray { get; private set; } = null!;
        public Mat EdgeX { get; private set; } = null!;
        public Mat EdgeY { get; private set; } = null!;
        public Mat Edges { get; private set; } = null!;
        public Mat Strong { get; private set; } = null!;
        public Mat Sharp { get; private set; } = null!;
        public Mat Labels { get; private set; } = null!;
        public Mat Stats { get; private set; } = null!;
        public Mat Centroids { get; private set; } = null!;

        public void Create(NativeKernelBenchmarks owner)
        {
            Decoded = Keep(new Mat());
            DecodedInto = Keep(Mat.FromPixelData(Height, Width, MatType.CV_8UC3, owner._decoded));
            Frame = Keep(Mat.FromPixelData(Height, Width, MatType.CV_8UC3, owner._frame));
            NextFrame = Keep(Mat.FromPixelData(Height, Width, MatType.CV_8UC3, owner._nextFrame));
            Resized = Keep(new Mat(Side, Side, MatType.CV_8UC3));
            Channels = [Keep(new Mat(Side, Side, MatType.CV_8UC1)), Keep(new Mat(Side, Side, MatType.CV_8UC1)), Keep(new Mat(Side, Side, MatType.CV_8UC1))];
            // The tensor is a pinned array: a header per plane over it.
            TensorPlanes = [.. Enumerable.Range(0, 3).Select(c => Keep(Mat.FromPixelData(
                Side, Side, MatType.CV_32FC1, Marshal.UnsafeAddrOfPinnedArrayElement(owner._tensor, c * Side * Side))))];

            Map = Keep(Mat.FromPixelData(Side, Side, MatType.CV_32FC1, owner._map));
            FullMap = Keep(Mat.FromPixelData(Height, Width, MatType.CV_32FC1, owner._fullMap));
            FullMap8 = Keep(new Mat(Height, Width, MatType.CV_8UC1));
            Colored = Keep(new Mat(Height, Width, MatType.CV_8UC3));
            Small = Keep(new Mat(Side, Side, MatType.CV_8UC3));
            PreviousGray = Keep(new Mat(Side, Side, MatType.CV_8UC1, Scalar.All(0)));
            CurrentGray = Keep(new Mat(Side, Side, MatType.CV_8UC1));
            Flow = Keep(new Mat(Side, Side, MatType.CV_32FC2));
            Grid = Keep(new Mat(Side, Side, MatType.CV_32FC2));
            for (var y = 0; y < Side; y++)
            {
                for (var x = 0; x < Side; x++)
                {
                    Grid.Set(y, x, new Vec2f(x, y));
                }
            }

            Warped = Keep(new Mat(Side, Side, MatType.CV_32FC1));
            NoMap = Keep(new Mat());
            (InFocus, Labels, Stats, Centroids) = (Keep(new Mat()), Keep(new Mat()), Keep(new Mat()), Keep(new Mat()));
            (Gray, EdgeX, EdgeY, Edges, Strong, Sharp) = (Keep(new Mat()), Keep(new Mat()), Keep(new Mat()), Keep(new Mat()), Keep(new Mat()), Keep(new Mat()));
        }

        public void Dispose() => _all.ForEach(mat => mat.Dispose());

        private Mat Keep(Mat mat)
        {
            _all.Add(mat);
            return mat;
        }
    }
}
