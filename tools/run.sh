#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build, run the default SiO@C-l case.
# Result: results/sio-c-l.h5 (override the directory with: tools/run.sh --out DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh"
cd "$root"
exec "$root/tools/electrodesim" run cases/sio-c-l.yaml "$@"
