"""Compares the moved-symbols table with a glibc 2.31 root's libraries (readelf)."""
import re
import subprocess
import sys


def exports(path):
    """Defined global dynamic symbols and their versions, GLIBC_PRIVATE left out."""
    out = subprocess.run(["readelf", "-W", "--dyn-syms", path], capture_output=True,
                         text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 8 or not fields[0].rstrip(":").isdigit():
            continue
        if fields[6] in ("UND", "ABS") or fields[4] == "LOCAL":
            continue
        name, _, version = fields[7].partition("@")
        if version.lstrip("@") == "GLIBC_PRIVATE":
            continue
        names.add(name)
    return names


table_path, root = sys.argv[1], sys.argv[2]
table = set(re.findall(r'\{"([^"]+)", "([^"]+)"\}', open(table_path).read()))
libc = exports(f"{root}/libc.so.6")
libraries = sorted({library for _, library in table})
expected = set()
for library in libraries:
    for name in exports(f"{root}/{library}") - libc:
        if not name.endswith("_version_placeholder"):
            expected.add((name, library))
missing = sorted(expected - table)
extra = sorted(table - expected)
print("missing from the table:", ", ".join(f"{n} {l}" for n, l in missing) or "none")
print("not in bullseye:", ", ".join(f"{n} {l}" for n, l in extra) or "none")
print("entries:", len(table))
