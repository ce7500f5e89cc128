#!/usr/bin/env python3
"""Least-squares non-increasing projection of a theta,U OCP table (pool-adjacent-violators, equal weights).

Usage: monotone-ocp-table.py IN.csv OUT.csv
Reads IN's data rows (theta,U; '#' lines skipped), replaces U by the non-increasing sequence closest to it in the
sum of squares (theta unchanged), writes OUT with a header naming IN and the change, and prints the change.
Used once for graphite_LGM50_ocp_Chen2020-monotone.csv (README.md, "Measured OCP tables"). Standard library only.
"""
import sys


def project_non_increasing(values):
    blocks = []  # [sum, count] of pooled runs, means non-increasing
    for y in values:
        blocks.append([y, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    out = []
    for s, c in blocks:
        out += [s / c] * c
    return out


def main(source, target):
    rows = []
    for line in open(source, encoding="utf-8"):
        if line.strip() and not line.lstrip().startswith("#"):
            theta, u = line.strip().split(",")[:2]
            rows.append((theta, float(u)))
    u = [r[1] for r in rows]
    p = project_non_increasing(u)
    change = [abs(a - b) for a, b in zip(p, u)]
    k = max(range(len(change)), key=change.__getitem__)
    rms = (sum(c * c for c in change) / len(change)) ** 0.5
    summary = (f"{len(rows)} rows, {sum(c > 0 for c in change)} changed; max |change| {change[k] * 1e3:.3f} mV at theta {rows[k][0]}; "
               f"RMS change {rms * 1e3:.3f} mV; {sum(1 for i in range(len(p) - 1) if p[i + 1] == p[i])} flat steps")
    with open(target, "w", encoding="utf-8") as f:
        f.write(f"# {source.split('/')[-1]} (Chen et al. 2020, via PyBaMM, BSD-3-Clause: see that file's header) made non-increasing in U\n")
        f.write("# by the least-squares non-increasing projection (pool-adjacent-violators, equal weights; monotone-ocp-table.py), theta unchanged.\n")
        f.write(f"# {summary}.\n")
        f.write("# Why: the raw table's rises stop the solver with O'Regan 2022's graphite D_s(x) (README.md, 'Measured OCP tables').\n")
        f.write("sto,ocp\n")
        for (theta, _), v in zip(rows, p):
            f.write(f"{theta},{v!r}\n")
    print(summary)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: monotone-ocp-table.py IN.csv OUT.csv")
    main(sys.argv[1], sys.argv[2])
