"""The layers only depend downwards: domain <- store <- services <- reports
<- ui / cli, and no two modules of perfdesk import each other, even through
others or through an import inside a function."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter in the checkout (cwd first on sys.path), so the
# graph is of these files, not of an installed copy of PerfDesk.
_CYCLES = """
import json, sys
import grimp

graph = grimp.build_graph("perfdesk", cache_dir=None)  # every import, lazy ones too
edges = {m: sorted(graph.find_modules_directly_imported_by(m) & graph.modules)
         for m in graph.modules}
# Tarjan's strongly connected components, without recursion.
index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
for root in sorted(edges):
    if root in index:
        continue
    work = [(root, iter(edges[root]))]
    index[root] = low[root] = counter; counter += 1; stack.append(root); on_stack.add(root)
    while work:
        node, children = work[-1]
        child = next(children, None)
        if child is None:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop(); on_stack.discard(member); component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
        elif child not in index:
            index[child] = low[child] = counter; counter += 1
            stack.append(child); on_stack.add(child)
            work.append((child, iter(edges[child])))
        elif child in on_stack:
            low[node] = min(low[node], index[child])
cycles = []
for component in found:
    inside = set(component)
    lines = []
    for importer in component:
        for imported in edges[importer]:
            if imported in inside:
                at = [d["line_number"] for d in graph.get_import_details(
                    importer=importer, imported=imported)]
                lines.append(f"{importer} -> {imported} (line {', '.join(map(str, at))})")
    cycles.append(lines)
print(json.dumps(cycles))
"""


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
         "lint_imports_command()", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_import_cycles_among_perfdesk_modules() -> None:
    result = subprocess.run([sys.executable, "-c", _CYCLES], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    cycles = json.loads(result.stdout)
    assert cycles == [], "import cycles (each: the imports among its modules):\n" + "\n\n".join(
        "\n".join(lines) for lines in cycles)


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "perfdesk", "tests"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
