namespace BlurVideo.Inference;

/// <summary>Where <see cref="BlurDetector"/> runs the network.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when this ONNX Runtime and machine offer it, otherwise the CPU.</summary>
    Auto,

    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>ONNX Runtime's CUDA execution provider (falls back to the CPU unless <see cref="BlurDetectorOptions.RequireGpu"/>).</summary>
    Cuda,
}
