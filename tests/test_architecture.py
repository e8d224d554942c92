"""The layout's rules, checked on the code itself (CONTRIBUTING.md explains them).

- The kit (app/kit) is the bottom floor: it imports no room and nothing that composes rooms.
- A room (a package under app/) never reaches into another room's service, schemas, queries or
  router; what rooms share lives in the kit. Its models (tables and code lists, no I/O), its pure
  tables (the workflow) and its storage may be imported.
- Only the trail writer (app/kit/trail.py) inserts timeline and audit entries.
- The static import graph of app/ has no cycle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
ROOMS = sorted(p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists())
INTERNALS = {"service", "schemas", "queries", "router"}
# Modules above the rooms: they assemble them (the app, the command line, the worker, the export).
COMPOSITION = {"app.main", "app.cli", "app.worker", "app.export", "app.models"}
# Rooms whose every module composes others, as app.main does: the public pages (app/web) read
# what several rooms' routes read.
COMPOSING_ROOMS = {"web"}


def _composes(module: str) -> bool:
    """A module that assembles rooms: listed above, or in a composing room."""
    parts = module.split(".")
    return module in COMPOSITION or (len(parts) > 1 and parts[1] in COMPOSING_ROOMS)


def _module(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> Iterator[str]:
    """Modules `path` imports (`from x import y` counts as x.y when y is a module of x)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                sub = APP.parent.joinpath(*candidate.split("."))
                yield candidate if sub.with_suffix(".py").exists() or sub.is_dir() else node.module


MODULES = {_module(p): p for p in sorted(APP.rglob("*.py"))}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ROOMS else None


def test_the_rooms_are_what_the_layout_says() -> None:
    # A new room is a deliberate change: CONTRIBUTING.md's map names each.
    assert ROOMS == [
        "attachments",
        "audit",
        "auth",
        "complaints",
        "datasubject",
        "deadlines",
        "findings",
        "hearings",
        "identity",
        "investigations",
        "kit",
        "mediation",
        "messages",
        "notifications",
        "outbox",
        "records",
        "remedies",
        "retaliation",
        "retention",
        "search",
        "staff",
        "statistics",
        "web",
    ]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_room_reaches_into_another(module: str) -> None:
    room = _room(module)
    if room is None or _composes(module):
        return
    for imported in _imports(MODULES[module], top_level_only=False):
        other = _room(imported)
        if other is None or other == room or other == "kit":
            continue
        assert imported.split(".")[-1] not in INTERNALS, (
            f"{module} imports {imported}: share it through app/kit instead"
        )


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("app.kit")))
def test_the_kit_imports_no_room(module: str) -> None:
    for imported in _imports(MODULES[module], top_level_only=False):
        if not imported.startswith("app."):
            continue
        assert _room(imported) in (None, "kit"), f"{module} imports the room {imported}"
        assert not _composes(imported), f"{module} imports {imported}"


def test_the_import_graph_has_no_cycle() -> None:
    graph = {
        module: {i for i in _imports(path, top_level_only=True) if i in MODULES}
        for module, path in MODULES.items()
    }
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


_ENTRY_TABLES = re.compile(r"INSERT\s+INTO\s+(audit_entries|timeline_entries)\b", re.IGNORECASE)


def test_only_the_trail_writer_inserts_entries() -> None:
    writers = sorted(
        _module(path) for path in APP.rglob("*.py") if _ENTRY_TABLES.search(path.read_text())
    )
    assert writers == ["app.kit.trail"]


def test_the_checks_above_catch_what_they_guard(tmp_path: Path) -> None:
    """Negative controls: each rule, broken on purpose in a scratch module, is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from app.complaints.service import transition\n"
        "SQL = 'INSERT INTO audit_entries (action) VALUES (1)'\n"
    )
    assert "app.complaints.service" in set(_imports(bad, top_level_only=False))
    assert _ENTRY_TABLES.search(bad.read_text())


# Libraries each wrapped in one module, so a change of library or of how it is used touches one
# file: token signatures (python-jose) in app/auth/tokens.py, the sign-in's OAuth client
# (Authlib) in app/auth/oidc.py.
WRAPPED = {"jose": "app.auth.tokens", "authlib": "app.auth.oidc"}


@pytest.mark.parametrize("library", sorted(WRAPPED))
def test_a_wrapped_library_is_imported_by_its_one_module(library: str) -> None:
    importers = {
        module
        for module, path in MODULES.items()
        for imported in _imports(path, top_level_only=False)
        if imported == library or imported.startswith(f"{library}.")
    }
    assert importers == {WRAPPED[library]}
