// FocusMonitor: a console application that embeds the BlurVideo SDK to watch a camera or video and report, for
// every frame, how much of it is out of focus.
//
//   dotnet run --project samples/FocusMonitor -- <video file | camera index> --model <model.onnx>
//
// First version: only the command line. The frame loop lands once the SDK's BlurPipeline exists.

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("Usage: FocusMonitor <video file | camera index> --model <model.onnx>");
    return args.Length == 0 ? 2 : 0;
}

Console.Error.WriteLine("FocusMonitor: the live frame loop is not available yet in this build.");
return 3;
