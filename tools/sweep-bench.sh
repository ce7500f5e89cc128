#!/usr/bin/env bash
# Wall time of a 1,000-case sweep (current density x electrode cells on SiO@C-l, output.fields: false) with
# --parallel 1 and --parallel 2 (or the values given: tools/sweep-bench.sh 1 2 4). Each run starts from an empty
# output folder, so nothing is skipped; the time includes start-up, validation of all cases and the summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/electrodesim-sweep-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat > "$work/bench.yaml" <<YAML
name: bench-1000
base: $root/cases/sio-c-l.yaml
set: {output.fields: false, mesh.separator_cells: 4}
axes:
  protocol[0].current_density_mA_cm2: {from: 1, to: 10, count: 100, spacing: log}
  mesh.electrode_cells: {from: 4, to: 13, count: 10}
YAML
"$root/tools/electrodesim" --help > /dev/null   # builds once, outside the timing
for p in "${@:-1 2}"; do
  for n in $p; do
    start=$(date +%s.%N)
    ELECTRODESIM_NO_BUILD=1 "$root/tools/electrodesim" sweep "$work/bench.yaml" --parallel "$n" --out "$work/out-$n" > "$work/log-$n.txt"
    end=$(date +%s.%N)
    echo "--parallel $n: $(echo "$end - $start" | bc) s wall, $(grep -c complete "$work/out-$n/summary.csv") complete cases; $(tail -4 "$work/log-$n.txt" | head -1)"
  done
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared: numbers vary between runs)"
