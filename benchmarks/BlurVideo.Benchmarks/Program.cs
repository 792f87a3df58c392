using BenchmarkDotNet.Running;

// Runs the benchmarks picked on the command line, e.g. `-c Release -- --filter '*Preprocess*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
