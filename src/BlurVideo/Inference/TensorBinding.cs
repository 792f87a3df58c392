using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BlurVideo.Inference;

/// <summary>
/// The network's input [1, 3, H, W] and output [1, 1, H, W] for one input size: two tensors allocated once in
/// host memory that never moves, bound once to the session through an <see cref="OrtIoBinding"/>.
/// </summary>
/// <remarks>
/// On the CPU the memory comes from ONNX Runtime's CPU allocator and the network reads and writes it directly.
/// With CUDA it comes from the session's <c>CudaPinned</c> allocator: page-locked staging buffers that ONNX
/// Runtime copies to and from the device by DMA on its compute stream; the explicit
/// <see cref="OrtIoBinding.SynchronizeBoundInputs"/> / <see cref="OrtIoBinding.SynchronizeBoundOutputs"/> around
/// the run make the input visible to the device before it starts and the output visible to the host after it ends.
/// </remarks>
internal sealed unsafe class TensorBinding : IDisposable
{
    public const string InputName = "image";
    public const string OutputName = "blur";

    private readonly InferenceSession _session;
    private readonly OrtAllocator? _ownedAllocator;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly float* _inputData;
    private readonly float* _outputData;
    private readonly bool _synchronize;

    private TensorBinding(InferenceSession session, OrtAllocator allocator, OrtAllocator? ownedAllocator, int width, int height, bool synchronize)
    {
        _session = session;
        _ownedAllocator = ownedAllocator;
        _synchronize = synchronize;
        Width = width;
        Height = height;
        try
        {
            _input = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, [1, 3, height, width]);
            _output = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, [1, 1, height, width]);
            _inputData = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_input.GetTensorMutableDataAsSpan<float>()));
            _outputData = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_output.GetTensorMutableDataAsSpan<float>()));
            _binding = session.CreateIoBinding();
            _binding.BindInput(InputName, _input);
            _binding.BindOutput(OutputName, _output);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The input tensor's memory, planar RGB, <c>3 * Width * Height</c> floats.</summary>
    public Span<float> Input => new(_inputData, 3 * Width * Height);

    /// <summary>The output tensor's memory after <see cref="Run"/>, <c>Width * Height</c> blur probabilities.</summary>
    public ReadOnlySpan<float> Output => new(_outputData, Width * Height);

    /// <summary>Tensors in ONNX Runtime's CPU memory, run by the CPU provider.</summary>
    public static TensorBinding ForCpu(InferenceSession session, int width, int height) =>
        new(session, OrtAllocator.DefaultInstance, null, width, height, synchronize: false);

    /// <summary>Tensors in CUDA-pinned host memory from the session's allocator, for the CUDA provider.</summary>
    public static TensorBinding ForCuda(InferenceSession session, int deviceId, int width, int height)
    {
        using var pinned = new OrtMemoryInfo(
            OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.CpuOutput);
        var allocator = new OrtAllocator(session, pinned);
        try
        {
            return new TensorBinding(session, allocator, allocator, width, height, synchronize: true);
        }
        catch
        {
            allocator.Dispose();
            throw;
        }
    }

    /// <summary>Runs the network on <see cref="Input"/>; the result is in <see cref="Output"/>.</summary>
    public void Run(RunOptions runOptions)
    {
        if (_synchronize)
        {
            _binding.SynchronizeBoundInputs();
        }

        _session.RunWithBinding(runOptions, _binding);
        if (_synchronize)
        {
            _binding.SynchronizeBoundOutputs();
        }
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _input?.Dispose();
        _output?.Dispose();
        _ownedAllocator?.Dispose();
    }
}
