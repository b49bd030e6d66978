#!/usr/bin/env python3
"""The module arrows as declared: every target's `import`s of project modules (and
of package products) are exactly its dependencies in Package.swift.

Reads the manifest through `swift package dump-package` and the Swift files of
every target (Sources/, Tests/, Benchmarks/). Fails, naming the file, on
  - an import of a project module or product the target does not declare,
  - a declared dependency that no file of the target imports,
  - a Swift file under Sources/, Tests/ or Benchmarks/ that belongs to no target,
  - a row of ARCHITECTURE.md's module table ("| `Target` | holds | imports |")
    whose imports differ from Package.swift, or a Swift target of Sources/ that
    has no row.
System modules (Glibc, Foundation, XCTest, Dispatch, ...) are not project modules
and are not checked.

Usage: scripts/check-imports.py [--package-json FILE]  (FILE: a saved dump-package)
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SEARCHED = ("Sources", "Tests", "Benchmarks")

# `import X`, `@testable import X`, `import struct X.Y`, `@_exported import X`, ...
IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?"
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def manifest(path=None):
    if path:
        with open(path) as f:
            return json.load(f)
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"check-imports: swift package dump-package failed:\n{out.stderr.strip()}")
    return json.loads(out.stdout)


def target_dir(t):
    if t.get("path"):
        return t["path"]
    return os.path.join("Tests" if t["type"] == "test" else "Sources", t["name"])


def dependency_name(d):
    for kind in ("byName", "target", "product"):
        if kind in d:
            return d[kind][0]
    raise ValueError(f"unknown dependency form {d}")


def imports_in(path):
    """Module names imported by one Swift file (comments and strings are not code,
    but an `import` line is always at the start of a line outside them)."""
    found = set()
    in_block_comment = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if in_block_comment:
                in_block_comment += stripped.count("/*") - stripped.count("*/")
                continue
            if stripped.startswith("/*"):
                in_block_comment = stripped.count("/*") - stripped.count("*/")
                continue
            m = IMPORT.match(line)
            if m:
                found.add(m.group(1))
    return found


def swift_files(directory, excluded):
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, directory)):
        rel = os.path.relpath(dirpath, os.path.join(ROOT, directory))
        dirnames[:] = [d for d in dirnames
                       if os.path.normpath(os.path.join(rel, d)) not in excluded]
        for name in filenames:
            if name.endswith(".swift"):
                yield os.path.join(dirpath, name)


def architecture_table_problems(targets):
    """ARCHITECTURE.md's module table against Package.swift: one row per Swift
    target of Sources/, its last column the target's dependencies ("nothing" for
    none)."""
    path = os.path.join(ROOT, "ARCHITECTURE.md")
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*`([A-Za-z0-9_-]+)`\s*\|.*\|\s*([^|]*?)\s*\|\s*$", line)
            if m:
                names = [] if m.group(2) == "nothing" else [n.strip() for n in m.group(2).split(",")]
                rows[m.group(1)] = set(names)
    problems = []
    for t in targets:
        if t["type"] not in ("regular", "executable") or not target_dir(t).startswith("Sources"):
            continue
        declared = {dependency_name(d) for d in t["dependencies"]}
        if t["name"] not in rows:
            problems.append(f"ARCHITECTURE.md: the module table has no row for target {t['name']}")
        elif rows[t["name"]] != declared:
            problems.append(f"ARCHITECTURE.md: the module table says {t['name']} imports "
                            f"{', '.join(sorted(rows[t['name']])) or 'nothing'}; Package.swift declares "
                            f"{', '.join(sorted(declared)) or 'nothing'}")
    known = {t["name"] for t in targets}
    for name in sorted(set(rows) - known):
        problems.append(f"ARCHITECTURE.md: the module table has a row for {name}, which is no target")
    return problems


def main():
    json_path = None
    if len(sys.argv) == 3 and sys.argv[1] == "--package-json":
        json_path = sys.argv[2]
    elif len(sys.argv) != 1:
        sys.exit(__doc__.strip().splitlines()[-1])
    pkg = manifest(json_path)
    targets = pkg["targets"]
    products = {dependency_name(d) for t in targets for d in t["dependencies"] if "product" in d}
    project = {t["name"] for t in targets} | products

    errors = []
    owned = set()
    for t in targets:
        directory = target_dir(t)
        declared = {dependency_name(d) for d in t["dependencies"]}
        imported = {}   # module -> first file importing it
        excluded = {os.path.normpath(e) for e in t.get("exclude", [])}
        for path in sorted(swift_files(directory, excluded)):
            owned.add(os.path.normpath(path))
            for module in imports_in(path):
                imported.setdefault(module, os.path.relpath(path, ROOT))
        for module, where in sorted(imported.items()):
            if module == t["name"]:
                errors.append(f"{where}: target {t['name']} imports itself")
            elif module in project and module not in declared:
                errors.append(f"{where}: target {t['name']} imports {module}, "
                              f"which Package.swift does not declare as its dependency")
        for module in sorted(declared - set(imported)):
            errors.append(f"Package.swift: target {t['name']} declares {module}, "
                          f"which no file in {directory}/ imports")

    for top in SEARCHED:
        for path in swift_files(top, set()):
            if os.path.normpath(path) not in owned:
                errors.append(f"{os.path.relpath(path, ROOT)}: belongs to no target of Package.swift")

    errors += architecture_table_problems(targets)

    for e in errors:
        print(f"check-imports: {e}", file=sys.stderr)
    if errors:
        print(f"check-imports: {len(errors)} mismatch(es) between imports, Package.swift and ARCHITECTURE.md",
              file=sys.stderr)
        return 1
    print(f"check-imports: {len(targets)} targets: imports, Package.swift and ARCHITECTURE.md agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
