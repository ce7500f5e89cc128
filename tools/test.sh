#!/usr/bin/env bash
# The test suite on a fresh Debian machine: install dependencies, build, run every test project.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" --tests
cd "$root"
exec dotnet test ElectrodeSim.sln -c Release --nologo "$@"
