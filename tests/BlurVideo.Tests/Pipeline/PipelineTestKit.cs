namespace BlurVideo.Tests.Pipeline;

internal static class PipelineTestKit
{
    public static SyntheticSceneOptions SmallScene(int width = 96, int height = 72, double fps = 25) =>
        new() { Width = width, Height = height, FramesPerSecond = fps, Seed = 7 };

    public static BlurPipeline Create(IFrameSource source, IBlurInference inference, BlurPipelineOptions? options = null) =>
        new(source, inference, options, static (_, _) => new UncompensatedAligner());
}
