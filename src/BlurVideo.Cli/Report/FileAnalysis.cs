using System.Globalization;
using BlurVideo.Focus;
using BlurVideo.Imaging;
using BlurVideo.Inference;
using BlurVideo.Pipeline;
using BlurVideo.Pipeline.Sources;

namespace BlurVideo.Cli.Report;

/// <summary>
/// Analyses one video file in file mode (every frame, in order): the per-frame focus score, the out-of-focus segments
/// and a thumbnail of each (its worst frame with the heatmap drawn over it).
/// </summary>
/// <remarks>The frame buffers for the thumbnail are allocated for the first frame and reused.</remarks>
internal sealed class FileAnalysis : IDisposable
{
    private const double FallbackFramesPerSecond = 25;
    private readonly OverlayRenderer _renderer = new();
    private readonly List<SegmentRecord> _segments = [];
    private readonly string _thumbnailDirectory;
    private readonly string _thumbnailPrefix;
    private byte[] _candidate = [];
    private long _candidateSegment = -1;
    private long _candidateFrame = -1;
    private float _candidateScore;
    private int _width;
    private int _height;
    private int _stride;

    private FileAnalysis(string thumbnailDirectory, string thumbnailPrefix)
    {
        _thumbnailDirectory = thumbnailDirectory;
        _thumbnailPrefix = thumbnailPrefix;
    }

    /// <summary>Runs <paramref name="path"/> through the detector.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="name">How the report names it.</param>
    /// <param name="settings">Detection settings.</param>
    /// <param name="detector">The detector (shared between files).</param>
    /// <param name="directory">The file's folder in the output: the thumbnails go there.</param>
    /// <param name="thumbnailPrefix">The folder's path relative to the report, for the thumbnails' links.</param>
    /// <param name="progress">Frames done and the file's frame count (when known).</param>
    /// <param name="cancellationToken">Stops the analysis.</param>
    /// <exception cref="FrameSourceException">The file cannot be opened or read.</exception>
    public static async Task<FileReport> RunAsync(
        string path, string name, ReportSettings settings, BlurDetector detector, string directory, string thumbnailPrefix,
        Action<long, long?> progress, CancellationToken cancellationToken)
    {
        using var analysis = new FileAnalysis(directory, thumbnailPrefix);
        return await analysis.AnalyseAsync(path, name, settings, detector, progress, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _renderer.Dispose();

    private async Task<FileReport> AnalyseAsync(
        string path, string name, ReportSettings settings, BlurDetector detector, Action<long, long?> progress, CancellationToken cancellationToken)
    {
        var startTimecode = Timecode.ProbeStart(path) ?? Timecode.Zero;
        var source = ReportRunner.IsStreamUrl(path) ? new RecordingSource(FrameSources.Open(path)) : FrameSources.Open(path);
        var framesPerSecond = source.FramesPerSecond > 0 ? source.FramesPerSecond : FallbackFramesPerSecond;
        var timecodeBase = Timecode.Base(framesPerSecond);
        var startFrames = Timecode.ToFrames(startTimecode, timecodeBase);
        var frameCount = source.FrameCount;
        var capacity = (int)Math.Clamp(frameCount ?? 0, 0, 1 << 24);
        var times = new List<float>(capacity);
        var scores = new List<float>(capacity);
        var cuts = new List<long>();
        var outOfFocus = new OutOfFocusDetector(settings.Detection);
        var lastTime = TimeSpan.Zero;
        long frames = 0;

        BlurPipeline pipeline;
        try
        {
            pipeline = new BlurPipeline(source, detector, new BlurPipelineOptions { Latency = LatencyPolicy.Lossless });
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await using (pipeline.ConfigureAwait(false))
        {
            await foreach (var result in pipeline.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                using (result)
                {
                    if (outOfFocus.Observe(result) is { } ended)
                    {
                        AddSegment(ended, startFrames, timecodeBase, settings);
                    }

                    KeepThumbnailCandidate(outOfFocus, result);
                    times.Add((float)result.SourceTimestamp.TotalSeconds);
                    scores.Add(outOfFocus.LastFocusScore);
                    if (result.SceneCut)
                    {
                        cuts.Add(result.SequenceNumber);
                    }

                    lastTime = result.SourceTimestamp;
                }

                progress(++frames, frameCount);
            }
        }

        var end = lastTime + TimeSpan.FromSeconds(1 / framesPerSecond);
        if (outOfFocus.Complete(end) is { } last)
        {
            AddSegment(last, startFrames, timecodeBase, settings);
        }

        // A URL (a queued job's input) has no length or time: its analysis is never taken as up to date.
        var info = ReportRunner.IsStreamUrl(path) ? null : new FileInfo(path);
        return new FileReport
        {
            File = name,
            Path = info?.FullName ?? path,
            SourceLength = info?.Length ?? -1,
            SourceModifiedUtc = info?.LastWriteTimeUtc ?? default,
            AnalysisKey = settings.AnalysisKey,
            FramesPerSecond = framesPerSecond,
            Frames = frames,
            DurationSeconds = frames == 0 ? 0 : end.TotalSeconds,
            StartTimecode = startTimecode,
            Segments = _segments,
            Times = times,
            FocusScores = scores,
            SceneCutFrames = cuts,
        };
    }

    /// <summary>Keeps a copy of the open segment's worst frame so far, with the heatmap drawn over it.</summary>
    private void KeepThumbnailCandidate(OutOfFocusDetector outOfFocus, BlurResult result)
    {
        if (outOfFocus.OpenSegmentStartFrame is not { } segment)
        {
            return;
        }

        if (segment != _candidateSegment)
        {
            _candidateSegment = segment;
            _candidateScore = float.PositiveInfinity;
        }

        if (outOfFocus.LastFocusScore >= _candidateScore)
        {
            return;
        }

        var frame = result.Frame;
        if (_candidate.Length != frame.Stride * frame.Height)
        {
            _candidate = GC.AllocateUninitializedArray<byte>(frame.Stride * frame.Height, pinned: true);
        }

        (_width, _height, _stride) = (frame.Width, frame.Height, frame.Stride);
        frame.Pixels.CopyTo(_candidate);
        var map = result.Map;
        _renderer.RenderHeatmap(_candidate, frame.Width, frame.Height, frame.Stride, map.Values, map.Width, map.Height);
        _candidateScore = outOfFocus.LastFocusScore;
        _candidateFrame = result.SequenceNumber;
    }

    private void AddSegment(OutOfFocusSegment segment, long startFrames, int timecodeBase, ReportSettings settings)
    {
        string? thumbnail = null;
        if (_candidateFrame == segment.WorstFrame)
        {
            var fileName = string.Create(CultureInfo.InvariantCulture, $"segment-{_segments.Count + 1:D3}.jpg");
            ImageFile.WriteBgr(Path.Combine(_thumbnailDirectory, fileName), _candidate, _width, _height, _stride);
            thumbnail = _thumbnailPrefix + fileName;
        }

        _segments.Add(new SegmentRecord(
            segment.Start.TotalSeconds,
            segment.End.TotalSeconds,
            segment.Duration.TotalSeconds,
            segment.StartFrame,
            segment.EndFrame,
            Timecode.FromFrames(startFrames + segment.StartFrame, timecodeBase),
            Timecode.FromFrames(startFrames + segment.EndFrame, timecodeBase),
            segment.MeanFocusScore,
            segment.WorstFocusScore,
            segment.WorstFrame,
            ReportSettings.RegionText(settings.Detection.Region),
            thumbnail));
    }
}
