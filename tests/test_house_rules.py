"""The house rules that keep the code easy to find one's way in (docs/development.md).

Each reads the source itself, so a change that breaks a rule fails the suite, not a review.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from importlinter.cli import lint_imports

PACKAGE = Path(__file__).resolve().parent.parent / "equalfooting"


def _sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_imports_point_downward() -> None:
    """The import-linter contracts in pyproject.toml: the floors, and a Django-free domain."""
    assert lint_imports(no_cache=True, no_logo=True) == 0


def _imports_inside_functions(path: Path) -> Iterator[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                line = lines[inner.lineno - 1]
                # One comment may stand above a group of imports that share its reason.
                above = inner.lineno - 2
                while above >= 0 and lines[above].strip().startswith(("import ", "from ")):
                    above -= 1
                reason = lines[above].strip().startswith("#") if above >= 0 else False
                if "#" not in line and not reason:
                    yield inner.lineno, line.strip()


def test_every_import_inside_a_function_says_why() -> None:
    """Imports sit at the top of their module; one inside a function carries a comment."""
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{lineno}: {line}"
        for path in _sources()
        for lineno, line in _imports_inside_functions(path)
    ]
    assert not found, "\n".join(found)


def _status_values() -> set[str]:
    values: set[str] = set()
    for model in apps.get_app_configs():
        if not model.name.startswith("equalfooting"):
            continue
        for cls in model.get_models():
            status = getattr(cls, "Status", None)
            if isinstance(status, type) and issubclass(status, models.TextChoices):
                values.update(status.values)
    return values


def _enum_bodies(tree: ast.AST) -> set[int]:
    """Lines inside TextChoices classes: where the words are defined, once."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Attribute) and base.attr == "TextChoices" for base in node.bases
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")


@pytest.mark.django_db
def test_statuses_are_named_through_their_enums() -> None:
    """No status is written as a bare string outside its enum (and the migrations)."""
    statuses = _status_values()
    assert {"draft", "submitted", "verified"} <= statuses  # the rule reads the real enums
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _enum_bodies(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in statuses
                and node.lineno not in skip
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.value!r}")
    for path in sorted((PACKAGE / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in TEMPLATE_TAG.finditer(text):
            for word in QUOTED.findall(tag.group()):
                if word in statuses:
                    lineno = text.count("\n", 0, tag.start()) + 1
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{lineno}: {word!r}")
    assert not found, "\n".join(found)


def test_translation_functions_keep_names_makemessages_reads() -> None:
    """makemessages finds strings by the names of the functions around them (`_`,
    `gettext_lazy`, `pgettext_lazy`…): a string marked through another alias is never
    extracted, so never translated, and no catalogue check can see it missing."""
    alias = re.compile(r"import .*\b(n?p?gettext(?:_lazy|_noop)?) as (?!_\b)(\w+)")
    found = [
        f"{path.relative_to(PACKAGE.parent)}: {match.group(0)}"
        for path in _sources()
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
