#!/usr/bin/env bash
# Wall and CPU time of a 1,000-case sweep with output.fields: false, at --parallel 1 and --parallel 2 (or the values
# given: tools/sweep-bench.sh 1 2 4), and the goal's reference: the single-case time x 1,000 / 2 on this machine.
#   --grid alpha (default): the goal's sweep, cases/coating-quality/sio-c-alpha.yaml with alkali solubility 0-50 %
#       (40 values) x current density 1-10 mA/cm2 (25, log spacing);
#   --grid cells: the earlier bench, SiO@C-l at 100 current densities x 10 electrode cell counts (4-13).
#   --against TOOL: also time another build of the CLI (a native binary, e.g. a copy of src/ElectrodeSim.Cli/bin/native
#       from before a change, or a .dll run with dotnet, e.g. bin/publish/ElectrodeSim.Cli.dll), run after this one for
#       each --parallel, in turn, --repeats times: paired runs for a shared machine.
# The build timed is the one tools/electrodesim starts: the native binary (ELECTRODESIM_JIT=1: the ReadyToRun .dll).
# Each run starts from an empty output folder, so nothing is skipped; the time includes start-up, validation of all
# cases and the summary. CPU is user + system of the whole process (/usr/bin/time), which a loaded machine disturbs
# far less than the wall time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
grid=alpha against="" repeats=1 parallel=()
while [ $# -gt 0 ]; do
  case "$1" in
    --grid) grid="$2"; shift 2 ;;
    --against) against="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    *) parallel+=("$1"); shift ;;
  esac
done
[ ${#parallel[@]} -gt 0 ] || parallel=(1 2)
work="$(mktemp -d "${TMPDIR:-/tmp}/electrodesim-sweep-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$grid" in
  alpha) cat > "$work/bench.yaml" <<YAML
name: bench-1000
base: $root/cases/coating-quality/sio-c-alpha.yaml
set: {output.fields: false}
axes:
  electrode.coating.alkali_solubility_percent: {from: 0, to: 50, count: 40}
  protocol[0].current_density_mA_cm2: {from: 1, to: 10, count: 25, spacing: log}
YAML
    single="$root/cases/coating-quality/sio-c-alpha.yaml" ;;
  cells) cat > "$work/bench.yaml" <<YAML
name: bench-1000
base: $root/cases/sio-c-l.yaml
set: {output.fields: false, mesh.separator_cells: 4}
axes:
  protocol[0].current_density_mA_cm2: {from: 1, to: 10, count: 100, spacing: log}
  mesh.electrode_cells: {from: 4, to: 13, count: 10}
YAML
    single="$root/cases/sio-c-l.yaml" ;;
  *) echo "sweep-bench.sh: --grid $grid: accepted: alpha, cells" >&2; exit 2 ;;
esac
"$root/tools/electrodesim" --help > /dev/null   # builds once, outside the timing
if [ "${ELECTRODESIM_JIT:-}" = 1 ]; then this="$root/src/ElectrodeSim.Cli/bin/publish/ElectrodeSim.Cli.dll"
else this="$root/src/ElectrodeSim.Cli/bin/native/ElectrodeSim.Cli"; fi
command_of() {   # command_of TOOL: sets cmd to run it: a .dll through dotnet, a native binary directly
  case "$1" in *.dll) cmd=(dotnet "$1") ;; *) cmd=("$1") ;; esac
}

one() {   # one() LABEL TOOL N: one timed sweep
  local label="$1" dll="$2" n="$3" out="$work/out-$1-$3"
  rm -rf "$out"
  command_of "$dll"
  /usr/bin/time -f "%e %U %S" -o "$work/time" "${cmd[@]}" sweep "$work/bench.yaml" --parallel "$n" --out "$out" > "$work/log.txt"
  read -r wall user sys < "$work/time"
  printf '%-8s --parallel %s: %6.2f s wall, %6.2f s CPU (%5.2f user + %4.2f sys), %s complete; load %s\n' \
    "$label" "$n" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(grep -c ',complete,' "$out/summary.csv" || true)" "$(cut -d' ' -f1 /proc/loadavg)"
}

# The goal's reference: the in-process time of one case (the bench command: warmed up, single thread, no output file).
command_of "$this"
"${cmd[@]}" bench "$single" > "$work/single.txt" 2>&1 || true
median=$(grep -oE 'median [0-9.]+ ms' "$work/single.txt" | grep -oE '[0-9.]+' | head -1 || true)
if [ -n "$median" ]; then
  echo "single case ($(basename "$single")): median $median ms in process; x 1000 / 2 = $(echo "scale=2; $median * 1000 / 2 / 1000" | bc) s"
else
  echo "single case: $(tail -1 "$work/single.txt")"
fi
for r in $(seq 1 "$repeats"); do
  for n in "${parallel[@]}"; do
    one this "$this" "$n"
    [ -z "$against" ] || one against "$against" "$n"
  done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared: numbers vary between runs)"
