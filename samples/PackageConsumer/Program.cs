using BlurVideo.Hosting;
using BlurVideo.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// An application that uses BlurVideo from its NuGet packages only: detects blur in one image.
if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: PackageConsumer <image>   (an existing image file)");
    return 1;
}

var services = new ServiceCollection()
    .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
    .AddMetrics()
    .AddBlurVideo();
using var provider = services.BuildServiceProvider();
var detector = provider.GetRequiredService<BlurDetector>();

try
{
    using var map = detector.DetectFile(args[0]);
    Console.WriteLine($"{Path.GetFileName(args[0])}: blurred fraction {map.BlurredFraction():F3} ({map.Width}x{map.Height} map, model {detector.Model.Name}, {detector.ActiveProvider})");
    return 0;
}
catch (Exception ex) when (ex is BlurVideo.BlurVideoException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"PackageConsumer: {ex.Message}");
    return 1;
}
