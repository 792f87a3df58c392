using System.Diagnostics;
using System.Globalization;
using BlurVideo.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Mat = OpenCvSharp.Mat;
using MatType = OpenCvSharp.MatType;
using Cv2 = OpenCvSharp.Cv2;
using ColorConversionCodes = OpenCvSharp.ColorConversionCodes;

namespace BlurVideo.Inference;

/// <summary>
/// Turns frames (BGR8 buffers, OpenCV <see cref="Mat"/>s, image files) into blur maps (1 = blurred, at the network's input resolution) with one of the shipped
/// networks run by ONNX Runtime, on the CPU or on a CUDA GPU.
/// </summary>
/// <remarks>
/// <para><b>Per frame</b>: one native call resizes, converts and normalizes the frame straight into the input
/// tensor, ONNX Runtime runs the network over tensors bound once (<see cref="OrtIoBinding"/>), the output is
/// copied into a pooled <see cref="BlurMap"/>. While the input size stays the same, <c>Detect</c> allocates no
/// managed memory; a new input size (another frame shape under <see cref="InputSizePolicy.KeepAspectRatio"/> or
/// <see cref="InputSizePolicy.Native"/>)
/// re-creates the tensors and the map pool once.</para>
/// <para><b>Provider</b>: <see cref="ActiveProvider"/> is what runs. CUDA requested (or <see cref="ExecutionProvider.Auto"/>)
/// where it cannot be used falls back to the CPU (logged: a warning for CUDA, information for Auto) with <see cref="ProviderFallbackReason"/>
/// set, unless <see cref="BlurDetectorOptions.RequireGpu"/>, which throws <see cref="GpuUnavailableException"/>.</para>
/// <para><b>Input size</b>: a network with a fixed input shape (<see cref="FixedInputSize"/>) runs at that shape under
/// every <see cref="InputSizePolicy"/>; the card's policy follows the model.</para>
/// <para><b>Threads</b>: an instance may be shared. Calls are serialized: <c>Detect</c> from several threads (and
/// several <see cref="Pipeline.BlurPipeline"/>s over one detector) run one frame at a time, each with its own
/// result; for parallel throughput use one detector per thread or pipeline (each holds its own session and
/// tensors). Alternating frame sizes between callers re-creates the tensors at each change. <see cref="Dispose"/>
/// waits for a running call; calls after it throw <see cref="ObjectDisposedException"/>. <b>Lifetime</b>: owns the
/// ONNX Runtime session, the tensors and the native preprocessor until <see cref="Dispose"/>; maps it handed out
/// belong to their owners and stay valid after it is disposed, until they are disposed themselves.</para>
/// </remarks>
public sealed partial class BlurDetector : IStagedInference, IDisposable
{
    private const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>ONNX Runtime's session setting for spinning intra-op threads (set to "0" by every session here).</summary>
    internal const string IntraOpSpinningKey = "session.intra_op.allow_spinning";

    private static string? s_firstCudaLoadFailure;

    // Held by every call that touches the tensors, the preprocessor or the session, and by Dispose.
    private readonly Lock _gate = new();
    private readonly BlurDetectorOptions _options;
    private readonly ILogger _logger;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _mean;
    private readonly float[] _std;
    private TensorBinding? _tensors;
    private Preprocessor? _preprocessor;
    private BlurMapPool? _maps;
    private Mat? _converted;
    private volatile bool _disposed;

    /// <summary>Loads the model and creates the ONNX Runtime session.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model name (the message lists the available ones) or missing file.</exception>
    /// <exception cref="InvalidModelException">The model card is invalid, ONNX Runtime cannot load the network (its
    /// exception is the inner one), or the network lacks the input <c>image</c> [1, 3, H, W] or the output <c>blur</c>.</exception>
    /// <exception cref="GpuUnavailableException">CUDA is required and cannot be used.</exception>
    public BlurDetector(BlurDetectorOptions? options = null)
    {
        _options = options ?? new BlurDetectorOptions();
        if (_options.RequireGpu && _options.Provider == ExecutionProvider.Cpu)
        {
            throw new ArgumentException("RequireGpu cannot be combined with the CPU provider.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(_options.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.CudaDeviceId);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxNativePixels, 32 * 32);
        if (!Enum.IsDefined(_options.InputSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.InputSize, "Unknown input-size policy.");
        }
        _logger = _options.Logger ?? NullLogger.Instance;
        Model = ModelCatalog.Resolve(_options.Model, _options.ModelsDirectory);
        _mean = [.. Model.Mean];
        _std = [.. Model.Std];
        try
        {
            (_session, ActiveProvider, ProviderFallbackReason) = CreateSession();
        }
        catch (OnnxRuntimeException exception)
        {
            _runOptions.Dispose();
            throw new InvalidModelException($"ONNX Runtime cannot load the model '{Model.ModelPath}': {OneLine(exception.Message)}", exception);
        }
        catch
        {
            _runOptions.Dispose();
            throw;
        }

        try
        {
            FixedInputSize = ReadFixedInputSize(_session, Model.ModelPath);
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }

        LogProvider(_logger, Model.Name, ActiveProvider);
    }

    /// <summary>The model's card.</summary>
    public ModelCard Model { get; }

    /// <summary>The provider that runs the network: <see cref="ExecutionProvider.Cpu"/> or <see cref="ExecutionProvider.Cuda"/>.</summary>
    public ExecutionProvider ActiveProvider { get; }

    /// <summary>Why CUDA was not used although it was asked for (or Auto); null when there was no fallback.</summary>
    public string? ProviderFallbackReason { get; }

    /// <summary>
    /// The input size the network itself fixes (its ONNX input shape), which every frame then runs at whatever the
    /// <see cref="BlurDetectorOptions.InputSize"/>; null when the network takes any size.
    /// </summary>
    public (int Width, int Height)? FixedInputSize { get; }

    /// <summary>
    /// The network's input size, which is also the size of the maps, for frames of the given size
    /// (see <see cref="BlurDetectorOptions.InputSize"/>).
    /// </summary>
    public (int Width, int Height) GetInputSize(int frameWidth, int frameHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameHeight);
        if (FixedInputSize is { } fixedSize)
        {
            return fixedSize;
        }

        if (_options.InputSize == InputSizePolicy.ModelCard)
        {
            return (Model.InputWidth, Model.InputHeight);
        }

        var pixels = (double)frameWidth * frameHeight;
        var scale = _options.InputSize == InputSizePolicy.KeepAspectRatio
            ? Math.Sqrt(Model.InputWidth * Model.InputHeight / pixels)
            : Math.Min(1.0, Math.Sqrt(_options.MaxNativePixels / pixels));
        return (RoundToMultipleOf32(frameWidth * scale), RoundToMultipleOf32(frameHeight * scale));
    }

    /// <summary>Blur map of a BGR8 frame. The caller owns the map and disposes it.</summary>
    /// <param name="bgr">The pixels, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="stride">Bytes between the starts of two rows.</param>
    /// <exception cref="BlurVideoException">ONNX Runtime failed to run the network (its exception is the inner one).</exception>
    public BlurMap Detect(ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        lock (_gate)
        {
            return DetectLocked(bgr, width, height, stride);
        }
    }

    /// <summary>Blur map of a pooled frame (the frame stays the caller's). The caller owns the map.</summary>
    public BlurMap Detect(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Detect(frame.Pixels, frame.Width, frame.Height, frame.Stride);
    }

    /// <summary>
    /// Blur map of an OpenCV image: 8-bit BGR, BGRA or grey (<c>CV_8UC3</c>, <c>CV_8UC4</c>, <c>CV_8UC1</c>), continuous
    /// or not (a region of a larger image: any row step). The image stays the caller's; the caller owns the map. BGR is
    /// read in place (no copy, no managed allocation); BGRA and grey are converted into a buffer the detector keeps.
    /// </summary>
    /// <exception cref="ArgumentException">The image is empty, not 8-bit, or has another channel count.</exception>
    public unsafe BlurMap Detect(Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var bgr = AsBgr(image);
            var stride = checked((int)bgr.Step());
            var length = checked(((bgr.Rows - 1) * stride) + (bgr.Cols * 3));
            return DetectLocked(new ReadOnlySpan<byte>((void*)bgr.Data, length), bgr.Cols, bgr.Rows, stride);
        }
    }

    /// <summary>Blur map of an image file (decoded natively). The caller owns the map.</summary>
    /// <exception cref="BlurVideoNativeException">The file is missing or not a decodable image.</exception>
    public BlurMap DetectFile(string imagePath)
    {
        using var image = ImageFile.Decode(imagePath, ImageColorMode.Bgr8);
        var pixels = System.Buffers.ArrayPool<byte>.Shared.Rent(image.PackedStride * image.Height);
        try
        {
            image.CopyTo(pixels);
            return Detect(pixels, image.Width, image.Height, image.PackedStride);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    /// <summary>
    /// Releases the session, the tensors and the preprocessor, after a call running on another thread has ended.
    /// Calling it again is a no-op.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _converted?.Dispose();
            _tensors?.Dispose();
            _preprocessor?.Dispose();
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    (int Width, int Height) IBlurInference.GetMapSize(int frameWidth, int frameHeight) => GetInputSize(frameWidth, frameHeight);

    long IBlurInference.Run(VideoFrame frame, BlurMap destination, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            PrepareInput(frame.Pixels, frame.Width, frame.Height, frame.Stride);
            var preprocessed = Stopwatch.GetTimestamp();
            cancellationToken.ThrowIfCancellationRequested();
            RunInto(destination);
            return preprocessed;
        }
    }

    InferenceInput IStagedInference.CreateInput() => new();

    (int Width, int Height) IStagedInference.GetInputSize(int frameWidth, int frameHeight, float scale)
    {
        var (width, height) = GetInputSize(frameWidth, frameHeight);
        if (scale >= 1f || FixedInputSize is not null)
        {
            return (width, height);
        }

        return (RoundToMultipleOf32(width * scale), RoundToMultipleOf32(height * scale));
    }

    // Outside the lock: the input's own preprocessor and tensors, so the next frame is prepared while Infer runs.
    void IStagedInference.Prepare(VideoFrame frame, InferenceInput input, float scale)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (width, height) = ((IStagedInference)this).GetInputSize(frame.Width, frame.Height, scale);
        if (input.Tensors is null || input.Width != width || input.Height != height)
        {
            input.Dispose();
            input.Tensors = BindTensors(width, height);
            input.Preprocessor = new Preprocessor(width, height, _mean, _std);
            input.Width = width;
            input.Height = height;
        }

        input.Preprocessor!.Run(frame.Pixels, frame.Width, frame.Height, frame.Stride, input.Tensors.Input);
    }

    void IStagedInference.Infer(InferenceInput input, BlurMap destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var tensors = input.Tensors ?? throw new InvalidOperationException("The input was not prepared.");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RunTensors(tensors);
        }

        if (destination.Width == tensors.Width && destination.Height == tensors.Height)
        {
            tensors.Output.CopyTo(destination.Values);
        }
        else
        {
            MapResampler.Resize(tensors.Output, tensors.Width, tensors.Height, destination.Values, destination.Width, destination.Height);
        }
    }

    /// <summary>Reads the network's input shape: null when H and W are free, the fixed size otherwise.</summary>
    private static (int Width, int Height)? ReadFixedInputSize(InferenceSession session, string modelPath)
    {
        if (!session.InputMetadata.TryGetValue(TensorBinding.InputName, out var input) || !session.OutputMetadata.ContainsKey(TensorBinding.OutputName))
        {
            throw new InvalidModelException(
                $"'{modelPath}' is not a blur model: it needs the input \"{TensorBinding.InputName}\" [1, 3, H, W] and the output "
                + $"\"{TensorBinding.OutputName}\" [1, 1, H, W]; it has the inputs {string.Join(", ", session.InputMetadata.Keys)} "
                + $"and the outputs {string.Join(", ", session.OutputMetadata.Keys)}.");
        }

        var shape = input.Dimensions;
        if (shape.Length != 4 || shape[0] > 1 || shape[1] is > 0 and not 3 || (shape[2] > 0) != (shape[3] > 0))
        {
            throw new InvalidModelException(
                $"'{modelPath}': the input \"{TensorBinding.InputName}\" has the shape [{string.Join(", ", shape)}] "
                + "(-1 = free); it must be [1, 3, H, W] with both H and W free or both fixed.");
        }

        return shape[2] > 0 ? (shape[3], shape[2]) : null;
    }

    private BlurMap DetectLocked(ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        PrepareInput(bgr, width, height, stride);
        var map = _maps!.Rent();
        try
        {
            RunInto(map);
            return map;
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>The image itself when it is BGR8, otherwise its BGR8 conversion in <see cref="_converted"/>.</summary>
    private Mat AsBgr(Mat image)
    {
        if (image.Empty() || image.Dims > 2)
        {
            throw new ArgumentException("The image is empty or not two-dimensional.", nameof(image));
        }

        if (image.Depth() != MatType.CV_8U)
        {
            throw new ArgumentException($"The image must be 8-bit (CV_8UC1, CV_8UC3 or CV_8UC4), not {image.Type()}.", nameof(image));
        }

        var conversion = image.Channels() switch
        {
            3 => (ColorConversionCodes?)null,
            4 => ColorConversionCodes.BGRA2BGR,
            1 => ColorConversionCodes.GRAY2BGR,
            _ => throw new ArgumentException($"The image must have 1, 3 or 4 channels, not {image.Channels()}.", nameof(image)),
        };
        if (conversion is not { } code)
        {
            return image;
        }

        _converted ??= new Mat();
        Cv2.CvtColor(image, _converted, code);
        return _converted;
    }

    private static int RoundToMultipleOf32(double side) => Math.Max(32, (int)Math.Round(side / 32.0) * 32);

    /// <summary>Makes sure the tensors fit the frame's input size, then preprocesses the frame into the input tensor.</summary>
    private void PrepareInput(ReadOnlySpan<byte> bgr, int width, int height, int stride)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (inputWidth, inputHeight) = GetInputSize(width, height);
        if (_tensors is null || _tensors.Width != inputWidth || _tensors.Height != inputHeight)
        {
            Resize(inputWidth, inputHeight);
        }

        _preprocessor!.Run(bgr, width, height, stride, _tensors!.Input);
    }

    private void Resize(int inputWidth, int inputHeight)
    {
        _tensors?.Dispose();
        _tensors = null;
        _preprocessor?.Dispose();
        _preprocessor = null;
        _tensors = BindTensors(inputWidth, inputHeight);
        _preprocessor = new Preprocessor(inputWidth, inputHeight, _mean, _std);
        _maps = new BlurMapPool(inputWidth, inputHeight);
    }

    /// <summary>Input and output tensors of one input size, bound on the active provider's device.</summary>
    private TensorBinding BindTensors(int width, int height) => ActiveProvider == ExecutionProvider.Cuda
        ? TensorBinding.ForCuda(_session, _options.CudaDeviceId, width, height)
        : TensorBinding.ForCpu(_session, width, height);

    private void RunInto(BlurMap destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(destination);
        var tensors = _tensors ?? throw new InvalidOperationException("No frame was preprocessed before inference.");
        if (destination.Width != tensors.Width || destination.Height != tensors.Height)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The map is {destination.Width}x{destination.Height}; this frame's maps are {tensors.Width}x{tensors.Height}."),
                nameof(destination));
        }

        RunTensors(tensors);
        tensors.Output.CopyTo(destination.Values);
    }

    private void RunTensors(TensorBinding tensors)
    {
        try
        {
            tensors.Run(_runOptions);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BlurVideoException(
                string.Create(CultureInfo.InvariantCulture, $"Running the model '{Model.Name}' at {tensors.Width}x{tensors.Height} failed: {OneLine(exception.Message)}"),
                exception);
        }
    }

    private (InferenceSession Session, ExecutionProvider Provider, string? FallbackReason) CreateSession()
    {
        string? fallbackReason = null;
        if (_options.Provider != ExecutionProvider.Cpu)
        {
            var (cudaSession, reason) = TryCreateCudaSession();
            if (cudaSession is not null)
            {
                return (cudaSession, ExecutionProvider.Cuda, null);
            }

            if (_options.RequireGpu)
            {
                throw new GpuUnavailableException($"A GPU is required but {reason}");
            }

            fallbackReason = reason;
            if (_options.Provider == ExecutionProvider.Cuda)
            {
                LogCudaRequestFallback(_logger, reason);
            }
            else
            {
                LogAutoFallback(_logger, reason);
            }
        }

        using var cpuOptions = CreateSessionOptions();
        cpuOptions.AppendExecutionProvider_CPU();
        return (new InferenceSession(Model.ModelPath, cpuOptions), ExecutionProvider.Cpu, fallbackReason);
    }

    private (InferenceSession? Session, string Reason) TryCreateCudaSession()
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName))
        {
            return (null, $"this ONNX Runtime ({OrtEnv.Instance().GetVersionString()}) was built without the CUDA execution provider");
        }

        try
        {
            using var sessionOptions = CreateSessionOptions();
            using var cudaOptions = new OrtCUDAProviderOptions();
            var settings = new Dictionary<string, string>
            {
                ["device_id"] = _options.CudaDeviceId.ToString(CultureInfo.InvariantCulture),
            };
            if (_options.CudaComputeStream != 0)
            {
                settings["user_compute_stream"] = ((ulong)_options.CudaComputeStream).ToString(CultureInfo.InvariantCulture);
            }

            cudaOptions.UpdateOptions(settings);
            sessionOptions.AppendExecutionProvider_CUDA(cudaOptions);
            return (new InferenceSession(Model.ModelPath, sessionOptions), "");
        }
        catch (OnnxRuntimeException exception)
        {
            return (null, "the CUDA execution provider cannot be used: " + RememberLoadFailure(OneLine(exception.Message)));
        }
    }

    /// <summary>
    /// ONNX Runtime names the library that failed to load (e.g. <c>libcublasLt.so.13</c>) only on the process's first
    /// attempt to load the CUDA provider; later attempts say "Failed to load shared library". Those get the first message.
    /// </summary>
    private static string RememberLoadFailure(string message)
    {
        if (!message.Contains("Failed to load", StringComparison.Ordinal))
        {
            return message;
        }

        return Interlocked.CompareExchange(ref s_firstCudaLoadFailure, message, null) ?? message;
    }

    /// <summary>ONNX Runtime's messages may span lines; a fallback reason is reported as one.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private SessionOptions CreateSessionOptions()
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _options.IntraOpThreads;
        }

        // Intra-op threads wait blocked, not spinning: the pipeline's other stages (decode, preprocess, smoothing,
        // outputs) share the cores with the network, and a spinning worker burns the time-slice they need.
        sessionOptions.AddSessionConfigEntry(IntraOpSpinningKey, "0");
        return sessionOptions;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA was requested but cannot be used; running on the CPU. Reason: {Reason}")]
    private static partial void LogCudaRequestFallback(ILogger logger, string reason);

    // Auto means "CUDA if there is one": finding none is expected, not a warning.
    [LoggerMessage(Level = LogLevel.Information, Message = "No usable CUDA (Auto); running on the CPU. Reason: {Reason}")]
    private static partial void LogAutoFallback(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blur detector: model {Model} on {Provider}.")]
    private static partial void LogProvider(ILogger logger, string model, ExecutionProvider provider);
}
