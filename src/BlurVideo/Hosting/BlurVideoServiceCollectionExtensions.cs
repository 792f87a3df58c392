using BlurVideo.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlurVideo.Hosting;

/// <summary>Registers BlurVideo with a dependency-injection container (e.g. a .NET generic host's).</summary>
public static class BlurVideoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlurVideoOptions"/> (configured by <paramref name="configure"/> and any other options
    /// source), a singleton <see cref="BlurDetector"/> (created when first resolved, which loads the model; logging to
    /// the container's <see cref="ILoggerFactory"/>) and a singleton <see cref="BlurPipelineFactory"/> whose pipelines
    /// log there and publish their statistics through the container's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>.
    /// </summary>
    public static IServiceCollection AddBlurVideo(this IServiceCollection services, Action<BlurVideoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BlurVideoOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(provider =>
        {
            var detector = provider.GetRequiredService<IOptions<BlurVideoOptions>>().Value.Detector;
            var loggerFactory = provider.GetService<ILoggerFactory>();
            return new BlurDetector(detector.Logger is null && loggerFactory is not null
                ? detector with { Logger = loggerFactory.CreateLogger<BlurDetector>() }
                : detector);
        });
        services.TryAddSingleton<BlurPipelineFactory>();
        return services;
    }
}
