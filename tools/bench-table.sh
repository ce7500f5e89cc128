#!/usr/bin/env bash
# One table of what a run costs: unknowns, steps, Newton iterations, Jacobians, in-process and whole-process medians,
# peak memory; SiO@C-l and Marquis2019 1C at mesh factors 0.5/1/4 (and --large: a 1e6-unknown P2D run).
# Usage: tools/bench-table.sh [--repeats N] [--large]
# The cost per unknown from 1e3 to 1e6 unknowns (set-up and solve apart, one child process per size) is the benchmark's
# scale mode: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- scale [--case marquis]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh"
"$root/tools/electrodesim" --help > /dev/null          # publishes the CLI (Native AOT) when sources changed
exec dotnet run -c Release --project "$root/tools/ElectrodeSim.Benchmarks" -- table "$@"
