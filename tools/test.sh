#!/usr/bin/env bash
# The test suite on a fresh Debian machine: install dependencies, build, run every test project.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" --tests
cd "$root"
# The native tool that tools/electrodesim starts (Native AOT; published only when sources changed): NativeToolTests run it.
"$root/tools/electrodesim" --version > /dev/null
exec dotnet test ElectrodeSim.sln -c Release --nologo "$@"
