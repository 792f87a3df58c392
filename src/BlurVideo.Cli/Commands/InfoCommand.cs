using System.CommandLine;
using Microsoft.ML.OnnxRuntime;

namespace BlurVideo.Cli.Commands;

/// <summary><c>blurvideo info</c>: the ONNX Runtime in use, the execution providers it offers and its EP devices.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the ONNX Runtime version, its execution providers and the devices they can run on.");
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var environment = OrtEnv.Instance();
            output.WriteLine($"ONNX Runtime {environment.GetVersionString()}");
            output.WriteLine($"Execution providers: {string.Join(", ", environment.GetAvailableProviders())}");
            // Providers that are built in but whose libraries (e.g. CUDA's) cannot load on this machine list no device.
            foreach (var device in environment.GetEpDevices())
            {
                var hardware = device.HardwareDevice;
                output.WriteLine($"EP device: {device.EpName} on {hardware.Type} ({hardware.Vendor}, vendor id {hardware.VendorId}, device id {hardware.DeviceId})");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
