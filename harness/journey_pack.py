"""Journey packs: a platform's journeys as data. A journey is named steps; a step is
timed and holds actions (go to a page, fill a form, click, submit, see something),
so any web platform's user journeys can be written without code.

The sandbox's pack is `journeys/packs/reference-idp.yaml`; a target names its own
with `app.journey_pack`. `load_pack` validates everything a run would use before
anything is touched: fields, placeholders, and `journey:` references."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field, model_validator

from harness.configfile import FieldPath, SourceMap, load_model
from harness.types import Frozen, Seconds, SecretSource

# The reference IDP's pack is journeys' data; its model lives here with the other
# config files' models so that settings validate it before anything is touched.
REFERENCE_PACK = Path(__file__).resolve().parents[1] / "journeys" / "packs" / "reference-idp.yaml"

JOURNEY_NAME = r"^[a-z][a-z0-9-]*$"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
BUILTIN_VALUES = ("username", "password", "name")
"""Filled in per attempt: the target's credentials, and `name`, a fresh name for what
the attempt creates (`name_prefix` + time + random)."""


class Check(Frozen):
    """`see:` in full: wait until `selector` shows, with the text wanted."""

    selector: str
    one_of: list[str] = Field(default_factory=list)
    """The element's text (trimmed) must be one of these; the wait goes on until it is."""
    contains: str | None = None
    failed: list[str] = Field(default_factory=list)
    """Texts of the element that end the wait as a failure (a job that failed)."""
    detail: str | None = None
    """An element whose text explains a `failed` text, put in the failure message."""
    rejected: str | None = None
    """An element that, once shown, is the platform refusing: its text is the failure."""


class Action(Frozen):
    """Exactly one of the fields."""

    goto: str | None = Field(default=None, pattern=r"^/")
    """Open a path of the app (fails on an HTTP status of 400 or more)."""
    fill: dict[str, str] | None = None
    """Selector -> text, filled in this order."""
    click: str | None = None
    """Click what does not load a new page (a tab, a toggle, a script's button)."""
    submit: str | None = None
    """Click what loads a page (a form's button, a link), and wait for that page."""
    see: str | Check | None = None
    """Wait until an element shows (a selector, or a `Check`)."""
    url: str | None = None
    """Wait until the page's path matches this regular expression (a redirect, a
    script's navigation); placeholders in it match their values literally."""
    journey: str | None = Field(default=None, pattern=JOURNEY_NAME)
    """Another journey's actions, in this step (signing in, as part of a longer one)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        given = [name for name, value in self if value is not None]
        if len(given) != 1:
            kinds = ", ".join(type(self).model_fields)
            raise ValueError(f"an action is exactly one of {kinds}; got {given or 'none'}")
        return self


class Step(Frozen):
    name: str = Field(min_length=1)
    timeout: Seconds | None = None
    """How long each of the step's waits may take (default: the pack's step_timeout)."""
    do: list[Action] = Field(min_length=1)


class JourneySpec(Frozen):
    description: str = ""
    steps: list[Step] = Field(min_length=1)


class JourneyPack(Frozen):
    name: str
    step_timeout: Seconds = 5.0
    name_prefix: str = Field(default="pd-synthetic-", pattern=r"^[a-z][a-z0-9-]*$")
    values: dict[str, str] = Field(default_factory=dict)
    """Constants for `{placeholders}` (a template's id, a project's name)."""
    secrets: dict[str, SecretSource] = Field(default_factory=dict)
    """Secrets for `{placeholders}` of texts to fill (an API token, a second
    account's password), by reference: `{env: NAME}` or `{file: PATH}` (relative
    to the pack); resolved by the settings before anything runs, never shown."""
    journeys: dict[str, JourneySpec] = Field(min_length=1)

    def timeout_s(self, step: Step) -> float:
        return step.timeout if step.timeout is not None else self.step_timeout


def load_pack(path: Path = REFERENCE_PACK) -> JourneyPack:
    """Validate a pack file; problems are `ConfigError`s naming file, line and field."""
    return load_pack_source(path)[0]


def load_pack_source(path: Path) -> tuple[JourneyPack, SourceMap]:
    """`load_pack`, with the file's source map (to place errors of later checks)."""
    pack, source = load_model(path, JourneyPack)
    _check_names(pack, source)
    _check_placeholders(pack, source)
    _check_url_patterns(pack, source)
    _check_references(pack, source)
    return pack, source


def _check_names(pack: JourneyPack, source: SourceMap) -> None:
    for name in pack.journeys:
        if not re.match(JOURNEY_NAME, name):
            raise source.error(("journeys", name), f"a journey's name matches {JOURNEY_NAME}")
    for kind, names in (("values", list(pack.values)), ("secrets", list(pack.secrets))):
        for name in names:
            if (
                name in BUILTIN_VALUES
                or not PLACEHOLDER.fullmatch(f"{{{name}}}")
                or (kind == "secrets" and name in pack.values)
            ):
                raise source.error(
                    (kind, name),
                    f"{name!r} cannot be a name of {kind} (built in: "
                    f"{', '.join(BUILTIN_VALUES)}; a value and a secret share no name)",
                )


def _texts(action: Action) -> Iterator[tuple[FieldPath, str, bool]]:
    """(field, text, may hold the password) of every text of an action."""
    for selector, text in (action.fill or {}).items():
        yield ("fill", selector), selector, False
        yield ("fill", selector), text, True
    for kind in ("goto", "click", "submit", "url"):
        value = getattr(action, kind)
        if value is not None:
            yield (kind,), value, False
    see = action.see
    if isinstance(see, str):
        yield ("see",), see, False
    elif see is not None:
        for field in ("selector", "contains", "detail", "rejected"):
            if getattr(see, field) is not None:
                yield ("see", field), getattr(see, field), False
        for field in ("one_of", "failed"):
            for i, text in enumerate(getattr(see, field)):
                yield ("see", field, i), text, False


def _actions(pack: JourneyPack, journey: str) -> Iterator[tuple[FieldPath, Action]]:
    """Every action of a journey, with its place in the file."""
    for s, step in enumerate(pack.journeys[journey].steps):
        for a, action in enumerate(step.do):
            yield ("journeys", journey, "steps", s, "do", a), action


def _check_url_patterns(pack: JourneyPack, source: SourceMap) -> None:
    for journey in pack.journeys:
        for where, action in _actions(pack, journey):
            if action.url is None:
                continue
            try:
                re.compile(PLACEHOLDER.sub("x", action.url))
            except re.error as exc:
                raise source.error((*where, "url"), f"not a regular expression: {exc}") from exc


def _check_placeholders(pack: JourneyPack, source: SourceMap) -> None:
    hidden = {"password", *pack.secrets}
    known = set(BUILTIN_VALUES) | set(pack.values) | hidden
    for journey in pack.journeys:
        for where, action in _actions(pack, journey):
            for field, text, secret_ok in _texts(action):
                for placeholder in PLACEHOLDER.findall(text):
                    if placeholder not in known:
                        raise source.error(
                            (*where, *field),
                            f"unknown placeholder {{{placeholder}}}; known: "
                            + ", ".join(sorted(known)),
                        )
                    if placeholder in hidden and not secret_ok:
                        raise source.error(
                            (*where, *field),
                            f"{{{placeholder}}} is a secret: it may only be a text to fill "
                            "(never shown)",
                        )


def _check_references(pack: JourneyPack, source: SourceMap) -> None:
    def visit(journey: str, trail: tuple[str, ...]) -> None:
        for where, action in _actions(pack, journey):
            included = action.journey
            if included is None:
                continue
            if included not in pack.journeys:
                raise source.error(
                    (*where, "journey"),
                    f"unknown journey {included!r}; the pack has: {', '.join(pack.journeys)}",
                )
            if included in trail or included == journey:
                cycle = " -> ".join((*trail, journey, included))
                raise source.error((*where, "journey"), f"journeys include each other: {cycle}")
            visit(included, (*trail, journey))

    for journey in pack.journeys:
        visit(journey, ())
