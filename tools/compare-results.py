#!/usr/bin/python3
"""Compare ElectrodeSim HDF5 results of two runs of the same cases, file by file.

usage: tools/compare-results.py BEFORE_DIR AFTER_DIR [--tolerance 1e-10]

For each .h5 in BEFORE_DIR, the file of the same name in AFTER_DIR must have the same time points, and the final
specific capacity [mAh/g] must agree to TOLERANCE relative. Prints, per file, the capacity difference and the
largest relative difference of every dataset (scaled by the dataset's largest magnitude). Exit 1 if a capacity
differs by more than TOLERANCE or the shapes differ.
"""
import argparse
import pathlib
import sys

import h5py
import numpy as np


def datasets(group, prefix=""):
    for name, item in group.items():
        path = f"{prefix}/{name}"
        if isinstance(item, h5py.Dataset):
            yield path, item
        else:
            yield from datasets(item, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=pathlib.Path)
    parser.add_argument("after", type=pathlib.Path)
    parser.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()
    failed = False
    files = sorted(args.before.glob("*.h5"))
    if not files:
        print(f"no .h5 files in {args.before}")
        return 1
    for before_path in files:
        after_path = args.after / before_path.name
        with h5py.File(before_path, "r") as before, h5py.File(after_path, "r") as after:
            c0 = float(before["specific_capacity"][-1])
            c1 = float(after["specific_capacity"][-1])
            relative = abs(c1 - c0) / abs(c0)
            ok = relative <= args.tolerance
            failed |= not ok
            print(f"{before_path.name}: capacity {c0!r} -> {c1!r} mAh/g, relative difference {relative:.3e} "
                  f"({'ok' if ok else 'EXCEEDS'} {args.tolerance:g})")
            worst = []
            for path, dataset in datasets(before):
                if path not in after or dataset.dtype.kind not in "fiu":
                    continue
                a, b = dataset[()], after[path][()]
                if np.shape(a) != np.shape(b):
                    print(f"  {path}: shape {np.shape(a)} -> {np.shape(b)}")
                    failed = True
                    continue
                scale = np.max(np.abs(a)) if np.size(a) else 0.0
                difference = np.max(np.abs(a - b)) / scale if scale > 0 else float(np.max(np.abs(a - b), initial=0.0))
                worst.append((difference, path))
            for difference, path in sorted(worst, reverse=True):
                print(f"  {path}: max |difference| / max |value| = {difference:.3e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
