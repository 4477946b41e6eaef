"""Load a YAML file into a typed model, with errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from harness.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
FieldPath = tuple[str | int, ...]


class SourceMap:
    """Line numbers (1-based) of every mapping key and sequence item of a YAML file."""

    def __init__(self, path: Path, lines: dict[FieldPath, int]) -> None:
        self.path = path
        self._lines = lines

    def line(self, field: FieldPath) -> int | None:
        """The line of `field`, or of its nearest ancestor that the file spells out."""
        for end in range(len(field), -1, -1):
            if field[:end] in self._lines:
                return self._lines[field[:end]]
        return None

    def error(self, field: FieldPath, problem: str) -> ConfigError:
        return ConfigError(self.path, self.line(field), _dotted(field), problem)


def _dotted(field: FieldPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in field).lstrip(".")


def _collect_lines(node: yaml.Node, prefix: FieldPath, lines: dict[FieldPath, int]) -> None:
    lines.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            lines[path] = key.start_mark.line + 1
            _collect_lines(value, path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*prefix, index), lines)


def read_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Parse `path`; YAML syntax errors become `ConfigError` with the line."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(path, None, "", f"cannot read the file: {exc.strerror}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = None if mark is None else mark.line + 1
        raise ConfigError(path, line, "", f"invalid YAML: {exc.problem}") from exc
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, SourceMap(path, lines)


def load_model(
    path: Path, model: type[M], context: dict[str, Any] | None = None
) -> tuple[M, SourceMap]:
    """Read `path` and validate it as `model`; the first problem becomes a `ConfigError`."""
    data, source = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(path, 1, "", f"expected a mapping of {model.__name__} fields")
    try:
        return model.model_validate(data, context=context), source
    except ValidationError as exc:
        # A misspelt key shows up as "extra" at its own line and as "missing" at its
        # parent's: report the one that points at the typo.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        loc = tuple(first["loc"])
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc += (str(first["ctx"]["discriminator"]).strip("'"),)  # point at `kind:` itself
        raise source.error(loc, first["msg"] + more) from exc
