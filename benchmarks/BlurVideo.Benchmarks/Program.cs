using BenchmarkDotNet.Running;

// Runs the benchmarks picked on the command line, e.g.
//   dotnet run -c Release --project benchmarks/BlurVideo.Benchmarks -- --filter '*' --job short
// (--job short: 3 warm-ups and 3 iterations, about a minute per case; drop it for full statistics).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
