"""The house rules of shared/ARCHITECTURE.md, checked over the source tree.

- An app imports only from apps before it in the order of INSTALLED_APPS (never back up the order).
- An app reaches another app's data through that app's selectors: importing another app's models is
  allowed only in selectors, models (foreign keys), migrations and demo data, and under
  `if TYPE_CHECKING:` (annotations name a model without reading through it).
- Access rules are `can_<verb>_<object>` functions in `core/permissions.py` or an app's
  `permissions.py` (or `permissions/` package), nowhere else.
- `actor` and `user` parameters are annotated (as `User`).
- No module in src/ is over 450 lines (migrations aside).

Each checker takes source text and a module path so the tests below can feed it bad examples and
prove it fails on them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

SRC = Path(__file__).resolve().parents[2] / "src" / "recoverypath"
PACKAGE = "recoverypath"
MAX_LINES = 450

APP_ORDER: list[str] = [
    name.split(".", 1)[1] for name in settings.INSTALLED_APPS if name.startswith(f"{PACKAGE}.")
]


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _module_parts(path: Path) -> tuple[str, ...]:
    """A source file's module path below the package: ('scheduling', 'services', 'notes')."""
    rel = path.relative_to(SRC).with_suffix("")
    parts = rel.parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return tuple(parts)


def _app_of(parts: tuple[str, ...]) -> str | None:
    return parts[0] if parts and parts[0] in APP_ORDER else None


def _is_exempt_from_model_rule(parts: tuple[str, ...]) -> bool:
    """Selectors, models, migrations and demo data may name other apps' models."""
    if not parts:
        return True
    if parts[0] == "demo":
        return True
    names = set(parts[1:])
    if names & {"selectors", "models", "migrations"}:
        return True
    return parts[-1] == "demo_data" or parts[-1].endswith("_demo_data")


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            named = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            )
            if named:
                for child in node.body:
                    for sub in ast.walk(child):
                        if hasattr(sub, "lineno"):
                            lines.add(sub.lineno)
    return lines


def _imported_modules(node: ast.AST, parts: tuple[str, ...], is_package: bool) -> list[str]:
    """Absolute dotted names (below the package) an import statement brings in."""
    found: list[str] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(f"{PACKAGE}."):
                found.append(alias.name.split(".", 1)[1])
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = list(parts if is_package else parts[:-1])
            if node.level > 1:
                base = base[: len(base) - (node.level - 1)]
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
        elif node.module and node.module.startswith(f"{PACKAGE}."):
            module = node.module.split(".", 1)[1]
        else:
            return found
        for alias in node.names:
            found.append(f"{module}.{alias.name}" if module else alias.name)
    return found


def check_imports(source: str, path: Path) -> list[Violation]:
    """Import order and the models-only-through-selectors rule for one module."""
    parts = _module_parts(path)
    app = _app_of(parts)
    if app is None:
        return []
    tree = ast.parse(source)
    guarded = _type_checking_lines(tree)
    exempt = _is_exempt_from_model_rule(parts)
    is_package = path.name == "__init__.py"
    rel = str(path.relative_to(SRC.parent))
    violations: list[Violation] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in _imported_modules(node, parts, is_package):
            pieces = target.split(".")
            other = pieces[0]
            if other not in APP_ORDER or other == app:
                continue
            if app != "demo" and APP_ORDER.index(other) > APP_ORDER.index(app):
                violations.append(
                    Violation(rel, node.lineno, f"{app} imports {target}, which comes later")
                )
            if not exempt and node.lineno not in guarded and "models" in pieces[1:]:
                violations.append(
                    Violation(
                        rel,
                        node.lineno,
                        f"{app} imports {target}: read {other}'s data through {other}.selectors",
                    )
                )
    return violations


def _top_level_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def check_access_rules(source: str, path: Path) -> list[Violation]:
    """Module-level `can_*` functions are defined only in permissions modules."""
    parts = _module_parts(path)
    if "permissions" in parts or "migrations" in parts:
        return []
    rel = str(path.relative_to(SRC.parent))
    violations = []
    for node in _top_level_functions(ast.parse(source)):
        if node.name.startswith("can_"):
            violations.append(
                Violation(rel, node.lineno, f"access rule {node.name} outside a permissions module")
            )
    return violations


def check_actor_annotations(source: str, path: Path) -> list[Violation]:
    """Every `actor`/`user` parameter of a module-level function carries an annotation."""
    if "migrations" in _module_parts(path):
        return []
    rel = str(path.relative_to(SRC.parent))
    violations = []
    for func in _top_level_functions(ast.parse(source)):
        args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
        for arg in args:
            if arg.arg in {"actor", "user"} and arg.annotation is None:
                violations.append(
                    Violation(rel, func.lineno, f"{func.name}({arg.arg}) is not annotated")
                )
    return violations


def check_length(source: str, path: Path) -> list[Violation]:
    if "migrations" in _module_parts(path):
        return []
    lines = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    if lines > MAX_LINES:
        rel = str(path.relative_to(SRC.parent))
        return [Violation(rel, lines, f"{lines} lines (at most {MAX_LINES}): split it by subject")]
    return []


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _walk(checker) -> list[str]:
    found: list[str] = []
    for path in _sources():
        found += [str(v) for v in checker(path.read_text(encoding="utf-8"), path)]
    return found


@pytest.mark.parametrize(
    "checker",
    [check_imports, check_access_rules, check_actor_annotations, check_length],
    ids=["imports", "access-rules", "actor-annotations", "module-length"],
)
def test_the_tree_keeps_the_house_rules(checker):
    violations = _walk(checker)
    assert not violations, "\n".join(violations)


# The checkers fail on bad examples (so a passing tree means something).


def _fake(path: str) -> Path:
    return SRC / path


def test_a_service_importing_another_apps_models_is_refused():
    source = "from recoverypath.monitoring.models import CheckIn\n"
    violations = check_imports(source, _fake("earlywarning/services.py"))
    assert [v.message for v in violations] == [
        "earlywarning imports monitoring.models.CheckIn: read monitoring's data through "
        "monitoring.selectors"
    ]


def test_the_models_rule_sees_module_imports_and_relative_imports():
    assert check_imports("from recoverypath.care import models\n", _fake("discharge/sources.py"))
    assert check_imports("import recoverypath.care.models\n", _fake("discharge/views.py"))
    assert check_imports(
        "from ...care.models import EpisodeOfCare\n", _fake("discharge/services/plans.py")
    )


def test_selectors_models_migrations_demo_and_type_checking_may_name_other_apps_models():
    source = "from recoverypath.monitoring.models import CheckIn\n"
    assert not check_imports(source, _fake("earlywarning/selectors.py"))
    assert not check_imports(source, _fake("earlywarning/selectors/checkins.py"))
    assert not check_imports(source, _fake("earlywarning/models.py"))
    assert not check_imports(source, _fake("earlywarning/demo_data.py"))
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    " + source
    assert not check_imports(guarded, _fake("earlywarning/services.py"))


def test_an_import_back_up_the_order_is_refused():
    source = "from recoverypath.aftercare.selectors import plan_for_client\n"
    violations = check_imports(source, _fake("scheduling/views.py"))
    assert [v.message for v in violations] == [
        "scheduling imports aftercare.selectors.plan_for_client, which comes later"
    ]


def test_an_access_rule_outside_permissions_is_refused():
    source = "def can_view_plan(user, plan):\n    return True\n"
    assert check_access_rules(source, _fake("discharge/rules.py"))
    assert not check_access_rules(source, _fake("discharge/permissions.py"))
    assert not check_access_rules(source, _fake("discharge/permissions/plans.py"))


def test_an_unannotated_actor_is_refused():
    assert check_actor_annotations(
        "def plan_sign(*, actor, plan):\n    pass\n", _fake("discharge/services.py")
    )
    assert not check_actor_annotations(
        "def plan_sign(*, actor: User, plan):\n    pass\n", _fake("discharge/services.py")
    )


def test_a_long_module_is_refused():
    assert check_length("x = 1\n" * (MAX_LINES + 1), _fake("scheduling/views.py"))
    assert not check_length("x = 1\n" * MAX_LINES, _fake("scheduling/views.py"))
