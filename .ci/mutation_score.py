"""The mutation score of the rule modules, per module, after `mutmut run` (see `make mutation`).

Killed: a test failed, the run timed out, or mypy --strict refused the mutant (`make test` runs
mypy, so a mutant it refuses never ships). Equivalent: a surviving mutant listed, with the reason,
in .ci/equivalent-mutants.toml; it leaves the denominator. Everything else that survived is
printed with its change. Exit status 1 when a module set falls under the threshold, when a mutant
was not run, or when an entry of the equivalents list no longer matches its mutant (the code
moved: look again).
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 85.0
KILLED = {"killed", "timeout", "caught by type check"}
SURVIVED = {"survived", "no tests"}  # a mutant no selected test reaches survives too


def normal(line: str) -> str:
    """`+ code` with its whitespace collapsed: how the equivalents list writes a change."""
    return line[0] + " " + " ".join(line[1:].split())


def mutant_diff(name: str, module: str) -> list[str]:
    """The changed lines of a mutant, as `mutmut show` prints them."""
    shown = get_diff_for_mutant(name, path=module)
    return [
        normal(line)
        for line in shown.splitlines()
        if line[:1] in ("-", "+") and line[:3] not in ("---", "+++")
    ]


def main() -> int:
    os.chdir(ROOT)  # mutmut reads its results relative to the project
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    modules = config["only_mutate"]
    equivalents = {
        entry["mutant"]: entry
        for entry in tomllib.loads((ROOT / ".ci" / "equivalent-mutants.toml").read_text())[
            "equivalent"
        ]
    }
    results: dict[str, dict[str, int | None]] = {}
    for module in modules:
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.exists():
            print(f"{module}: no results (run `make mutation`)")
            return 1
        results[module] = json.loads(meta.read_text())["exit_code_by_key"]

    failed = False
    stale: list[str] = []
    survivors: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    rows = []
    totals: Counter[str] = Counter()
    for module, codes in results.items():
        counts: Counter[str] = Counter()
        for name, code in sorted(codes.items()):
            status = status_by_exit_code[code]
            if status in KILLED:
                counts["killed"] += 1
            elif status in SURVIVED:
                diff = mutant_diff(name, module)
                entry = equivalents.get(name)
                if entry is not None and normal(entry["change"]) in diff:
                    counts["equivalent"] += 1
                    continue
                if entry is not None:
                    stale.append(name)
                counts["survived"] += 1
                survivors[module].append((name, diff))
            else:
                counts["not run"] += 1
        totals.update(counts)
        rows.append((module, counts))

    def score(counts: Counter[str]) -> float:
        tested = counts["killed"] + counts["survived"]
        return 100.0 * counts["killed"] / tested if tested else 100.0

    print(f"{'module':38} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9} {'score':>7}")
    for module, counts in [*rows, ("all rule modules", totals)]:
        total = sum(counts.values())
        print(
            f"{module:38} {total:8} {counts['killed']:7} {counts['equivalent']:7} "
            f"{counts['survived']:9} {score(counts):6.1f}%"
        )
    for module, listed in survivors.items():
        print(f"\nsurvived in {module}:")
        for name, diff in listed:
            print(f"  {name}")
            for line in diff:
                print(f"      {line}")
    surviving = {
        name
        for codes in results.values()
        for name, code in codes.items()
        if status_by_exit_code[code] in SURVIVED
    }
    unused = sorted(name for name in equivalents if name not in surviving)
    if unused and not totals["not run"]:
        print("\nequivalents whose mutant no longer survives (killed now, or renamed): remove them")
        for name in unused:
            print(f"  {name}")
        failed = True
    if stale:
        print("\nequivalents that no longer match their mutant (the code moved):")
        for name in stale:
            print(f"  {name}: {equivalents[name]['change']}")
        failed = True
    if totals["not run"]:
        print(f"\n{totals['not run']} mutants were not run: run `make mutation` to the end")
        failed = True
    if score(totals) < THRESHOLD:
        print(f"\nscore {score(totals):.1f}% is under {THRESHOLD}%")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
