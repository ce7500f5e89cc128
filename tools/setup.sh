#!/usr/bin/env bash
# Installs what ElectrodeSim needs on a Debian machine (idempotent: packages already installed are
# not asked for again, and with nothing missing apt is not run at all).
#   tools/setup.sh           what a run needs (tools/run.sh): the native HDF5 library with its
#                            high-level part (dimension scales), SuiteSparse KLU and UMFPACK (with METIS,
#                            the nested-dissection ordering of the 2-D model), and the figure font
#                            (fonts-go; `run --plot` draws figures in process, with no other package), and clang
#                            with zlib's headers, which the Native AOT publish of tools/electrodesim links with
#   tools/setup.sh --tests   that, plus what only the tests need (tools/test.sh): h5dump and h5py
#                            for reading results back, chromium (headless) for the report test,
#                            slurm-wlm and munge for the one-node cluster of the Slurm sweep test (tools/slurm.sh),
#                            python3-paraview (ParaView's own XDMF reader, for the sidecar test; without its
#                            recommended packages, which would add a desktop's worth)
# Further arguments are more Debian packages to install. The .NET 10 SDK must already be on PATH.
set -euo pipefail
packages=(libhdf5-103-1 libhdf5-hl-100 libklu1 libmetis5 fonts-go clang zlib1g-dev)
test_packages=(hdf5-tools python3-h5py python3-meshio libumfpack5 chromium slurm-wlm munge)
lean_packages=()   # installed without their recommended packages
if [ "${1:-}" = "--tests" ]; then
  packages+=("${test_packages[@]}")
  lean_packages+=(python3-paraview)
  shift
fi
packages+=("$@")
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() missing_lean=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${lean_packages[@]}"; do installed "$p" || missing_lean+=("$p"); done
if ((${#missing[@]} + ${#missing_lean[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]} ${missing_lean[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  if ((${#missing[@]})); then
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2
  fi
  if ((${#missing_lean[@]})); then
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing_lean[@]}" >&2
  fi
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
