"""crmsim's benchmarks: ``python -m benchmarks [--quick]`` prints every speed, scale and memory figure with its target
(docs/performance.md explains each). Each module is also runnable alone: ``python -m benchmarks.frames --quick``."""
