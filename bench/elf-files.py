#!/usr/bin/env python3
# elf-files.py DIR [LIMIT]: the ELF files directly in DIR, one path a line, sorted by name,
# at most LIMIT of them: regular files, not links, whose names have no space (the bench
# scripts pass the list to a command line split at spaces). Used by run-benchmarks.sh (the
# many-files row) and symbol-order.sh.
import os
import sys

directory = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
paths = []
for name in sorted(os.listdir(directory)):
    path = os.path.join(directory, name)
    if " " in name or not os.path.isfile(path) or os.path.islink(path):
        continue
    with open(path, "rb") as f:
        if f.read(4) == b"\x7fELF":
            paths.append(path)
print("\n".join(paths[:limit]))
