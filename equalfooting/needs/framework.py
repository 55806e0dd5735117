"""The assessment framework: versioned data in the package, read once per version.

No models and no settings here: the framework file can be checked and used by anyone with
this module (and Django installed, for the shared error class).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from equalfooting.core.errors import InvalidFile

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_VERSION = "1.0"
LANGS = ("ar", "zh-hans", "en", "fr", "ru", "es")
Text = dict[str, str]


class FrameworkError(InvalidFile):
    """A framework data file that does not hold together; the message names file and place."""


@dataclass(frozen=True)
class Stage:
    level: int
    key: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    name: Text
    question: Text
    stages: dict[int, Text]


@dataclass(frozen=True)
class Dimension:
    code: str
    name: Text
    description: Text
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Framework:
    version: str
    as_of: str
    title: Text
    source: str
    stages: tuple[Stage, ...]
    dimensions: tuple[Dimension, ...]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(s.level for s in self.stages)


def _text(value: object, where: str) -> Text:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise FrameworkError(f"{where}: needs a text in each of {', '.join(LANGS)}")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise FrameworkError(f"{where}: a translation is empty")
    return {k: str(v) for k, v in value.items()}


def parse(raw: dict[str, Any]) -> Framework:
    stages = []
    for i, stage in enumerate(raw.get("stages") or []):
        where = f"stages[{i}]"
        stages.append(
            Stage(
                int(stage["level"]),
                str(stage["key"]),
                _text(stage["name"], where + ".name"),
                _text(stage["description"], where + ".description"),
            )
        )
    levels = [s.level for s in stages]
    if levels != list(range(1, len(levels) + 1)) or not levels:
        raise FrameworkError("stages must be numbered 1, 2, 3 …")
    dimensions = []
    seen: set[str] = set()
    for dim in raw.get("dimensions") or []:
        code = str(dim["code"])
        indicators = []
        for ind in dim["indicators"]:
            icode = str(ind["code"])
            where = f"indicator {icode}"
            if icode in seen or not icode.startswith(code + "."):
                raise FrameworkError(f"{where}: repeated, or not prefixed with {code}.")
            seen.add(icode)
            stage_texts = {int(k): _text(v, f"{where} stage {k}") for k, v in ind["stages"].items()}
            if sorted(stage_texts) != levels:
                raise FrameworkError(f"{where}: needs a description for every stage")
            indicators.append(
                Indicator(
                    icode,
                    code,
                    _text(ind["name"], where + ".name"),
                    _text(ind["question"], where + ".question"),
                    stage_texts,
                )
            )
        dimensions.append(
            Dimension(
                code,
                _text(dim["name"], f"dimension {code}.name"),
                _text(dim["description"], f"dimension {code}.description"),
                tuple(indicators),
            )
        )
    return Framework(
        version=str(raw["version"]),
        as_of=str(raw["as_of"]),
        title=_text(raw["title"], "title"),
        source=str(raw["source"]),
        stages=tuple(stages),
        dimensions=tuple(dimensions),
    )


@cache
def load(version: str = CURRENT_VERSION) -> Framework:
    path = DATA_DIR / f"framework-{version}.json"
    if not path.exists():
        raise FrameworkError(f"no framework version {version!r}")
    try:
        framework = parse(json.loads(path.read_text(encoding="utf-8")))
    except FrameworkError as exc:
        raise FrameworkError(f"{path.name}: {exc}") from exc
    if framework.version != version:
        raise FrameworkError(f"{path.name} says it is version {framework.version}")
    return framework
