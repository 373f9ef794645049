// Workloads shared by the CLI, tests and benchmarks.
