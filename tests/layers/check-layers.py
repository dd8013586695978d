#!/usr/bin/env python3
"""Holds portable-ld's sources to their layers (src/cli/cli.h draws them):

    support <- verify <- judge <- floor <- provenance <- link <- cli

A file in one layer's folder may include headers of its own layer and of the layers below
it, never above; no two modules (a header and its .cpp) include each other, directly or
through others; and the map in src/cli/cli.h names every module. Prints every offence and
exits 1, or prints a one-line summary.

usage: check-layers.py SRC_DIR
"""
import pathlib
import re
import sys

LAYERS = ["support", "verify", "judge", "floor", "provenance", "link", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def main(src):
    offences = []
    graph = {}  # module ("link/config") -> modules it includes
    files = sorted(p for p in src.rglob("*") if p.suffix in (".h", ".cpp"))
    for path in files:
        relative = path.relative_to(src)
        layer = relative.parts[0]
        if layer not in LAYERS or len(relative.parts) != 2:
            offences.append(f"{relative}: not in one of the layer folders {', '.join(LAYERS)}")
            continue
        module = str(relative.with_suffix(""))
        edges = graph.setdefault(module, set())
        for included in INCLUDE.findall(path.read_text()):
            parts = pathlib.PurePosixPath(included).parts
            if parts[0] not in LAYERS:
                continue  # LLVM, Boost, fmt
            if len(parts) != 2 or not (src / included).is_file():
                offences.append(f"{relative}: includes \"{included}\", which is not a header in src/")
                continue
            if LAYERS.index(parts[0]) > LAYERS.index(layer):
                offences.append(f"{relative}: includes \"{included}\": {layer}/ may not use {parts[0]}/")
            target = str(pathlib.PurePosixPath(included).with_suffix(""))
            if target != module:
                edges.add(target)

    # Cycles among modules, by depth-first search.
    state = {}  # module -> "open" | "done"
    stack = []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                offences.append("include cycle: " + " -> ".join(cycle))
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)

    # The map: every module named in cli.h's header comment, under its folder.
    map_text = (src / "cli" / "cli.h").read_text()
    for module in sorted(graph):
        layer, name = module.split("/")
        if not re.search(rf"^//   ({re.escape(name)}\.h|{re.escape(name)}\.cpp)\s", map_text,
                         re.MULTILINE):
            offences.append(f"{module}: not in the map in src/cli/cli.h (one line per file)")

    for offence in offences:
        print(f"check-layers: {offence}")
    if offences:
        return 1
    edges = sum(len(targets) for targets in graph.values())
    print(f"check-layers: {len(files)} files, {len(graph)} modules, {edges} include edges: "
          f"layers respected, no cycles, all in the map")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(pathlib.Path(sys.argv[1])))
