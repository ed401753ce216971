"""The layout's rules: states/ is pure Python, forms/ never imports the application, and only
the engine writes a case's state."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATE_MODULES = sorted(p.stem for p in (ROOT / "states").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("module", STATE_MODULES)
def test_states_modules_import_only_the_standard_library(module):
    code = (
        f"import sys, states.{module}\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'wtforms', 'transitions', 'workflow',"
        " 'forms', 'holidays', 'dateutil') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_forms_never_import_the_application():
    offenders = [p.name for p in (ROOT / "forms").glob("*.py") if "workflow" in _imports(p)]
    assert offenders == []


def test_only_the_engine_assigns_a_case_state():
    offenders = []
    for path in (ROOT / "workflow").rglob("*.py"):
        if "engine" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr == "_state":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_views_never_commit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "workflow" / "views").glob("*.py")
        if ".commit(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


#: what opens a transaction: only operations and the engine may use it
TRANSACTION_OPENERS = {"unit_of_work", "transactional", "UnitOfWork"}


def _opens_transactions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "workflow.store.uow":
            found += [a.name for a in node.names if a.name in TRANSACTION_OPENERS | {"*"}]
        elif isinstance(node, ast.ImportFrom) and node.module == "workflow.store":
            found += [a.name for a in node.names if a.name == "uow"]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name == "workflow.store.uow"]
    return found


def test_views_api_and_web_never_open_a_transaction():
    """Operations and the engine own transactions; request handlers only call them."""
    handlers = [
        *(ROOT / "workflow" / "views").glob("*.py"),
        *(ROOT / "workflow" / "api").glob("*.py"),
        ROOT / "workflow" / "web.py",
    ]
    offenders = {
        str(p.relative_to(ROOT)): names for p in handlers if (names := _opens_transactions(p))
    }
    assert offenders == {}


def test_the_transaction_check_sees_an_import(tmp_path):
    module = tmp_path / "view.py"
    module.write_text("from workflow.store.uow import current_uow, unit_of_work\n")
    assert _opens_transactions(module) == ["unit_of_work"]
    module.write_text("from workflow.store import uow\nfrom workflow.store.uow import *\n")
    assert _opens_transactions(module) == ["uow", "*"]


def test_every_template_a_view_names_exists():
    import re

    names = set()
    for path in (ROOT / "workflow").rglob("*.py"):
        names |= set(re.findall(r'render_template\(\s*"([^"]+)"', path.read_text("utf-8")))
    missing = [n for n in names if not (ROOT / "templates" / n).exists()]
    assert names and missing == []


def test_pages_carry_no_inline_styles():
    """The pages' Content-Security-Policy (``style-src 'self'``) drops a style attribute or
    element, so a page styles itself by classes of the stylesheet only (the printed documents,
    rendered by WeasyPrint, keep theirs)."""
    import re

    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "pdf" not in path.relative_to(ROOT / "templates").parts
        and re.search(r"\sstyle=|<style", path.read_text("utf-8"))
    ]
    assert offenders == []


def test_top_level_layout():
    """What is in version control at the top level is the design's layout."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    top = {line.split("/")[0] for line in listed.stdout.splitlines() if line}
    visible = {name for name in top if not name.startswith(".")}
    assert visible <= {
        "workflow",
        "forms",
        "states",
        "templates",
        "instance",
        "tests",
        "pyproject.toml",
        "wsgi.py",
        "README.md",
        "bench",
    }
    assert {
        "workflow",
        "forms",
        "states",
        "templates",
        "tests",
        "pyproject.toml",
        "wsgi.py",
        "README.md",
    } <= visible


def _workflow_imports() -> dict[str, set[str]]:
    """module → the workflow modules it imports, at its top or inside its functions."""
    files = {}
    for path in (ROOT / "workflow").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path

    def known(name: str) -> str:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name

    edges: dict[str, set[str]] = {}
    for module, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workflow"):
                targets = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("workflow")]
            for target in targets:
                found = known(target)
                if found and found != module:
                    edges.setdefault(module, set()).add(found)
    return edges


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_packages():
    """The application factory (``workflow``) composes everything; below it, no package (or
    top-level module) imports one that imports it back, not even inside a function."""
    graph: dict[str, set[str]] = {}
    for module, targets in _workflow_imports().items():
        if module == "workflow":
            continue
        for target in targets:
            if target != "workflow" and _package(target) != _package(module):
                graph.setdefault(_package(module), set()).add(_package(target))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in graph.get(node, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if reaches(b, a)})
    assert cycles == []


def test_procedures_are_named_only_in_their_own_modules():
    """Shared modules iterate the registry: none names a procedure (a plug-in point would be
    missing)."""
    import re

    from states import REGISTRY

    names = re.compile(r"[\"'](" + "|".join(REGISTRY) + r")[\"']")
    offenders = []
    for path in (ROOT / "workflow").rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[1] in ("procedures", "migrations", "demo") or rel.stem.startswith("demo"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if names.search(line) and "__tablename__" not in line:
                offenders.append(f"{rel}:{number}")
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if names.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
