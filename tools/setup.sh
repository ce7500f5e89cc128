#!/usr/bin/env bash
# Installs what ElectrodeSim needs on a Debian machine (idempotent): the native HDF5 and
# SuiteSparse KLU libraries, h5dump and h5py for reading results back, gnuplot for plots,
# chromium (headless) for the test that renders the HTML report.
# The .NET 10 SDK must already be on PATH.
set -euo pipefail
packages=(libhdf5-103-1 libhdf5-hl-100 hdf5-tools python3-h5py python3-meshio libklu1 gnuplot-nox chromium)
packages+=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
