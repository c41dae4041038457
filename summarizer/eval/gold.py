"""Gold files: the hand-written answers a briefing is scored against, and how they are loaded.

A gold file is written and fixed by people, often long after the article was chosen, so loading
is strict in the ways that catch real authoring mistakes and lenient only where the meaning
cannot change:

* Unknown keys are refused (a misspelt ``requried: false`` would otherwise silently count a
  participant as required), and so are duplicate keys (YAML keeps the last one, so a second
  ``claims:`` block would silently drop the first).
* Speakers and accusers must be written as one of the gold participants' names or aliases (case,
  accents and punctuation aside) or ``unnamed source``, and gold quotes must occur verbatim in the
  article: scoring resolves speakers and locates quotes through exactly these, so a typo there
  would quietly turn a correct prediction into a miss.
* ``article`` must stay inside the suite folder, after resolving ``..`` and symlinks: gold suites
  are shared and run unattended, and a case must not read files elsewhere on the machine.
* Blank values (``aliases:``, ``denials:`` with nothing after them) mean empty lists, a single
  ``location: Rome`` means ``[Rome]``, and an unquoted ``date: 2024-06-19`` (which YAML turns into
  a date object) means the ISO string; writing these the other way round changes nothing.

The article is loaded with :func:`summarizer.ingest.load_article`, so the text (and every
offset into it) is the one the pipeline summarises. Every failure is an ``InputError`` whose
message is one line naming the gold file and the field, e.g.
``evals/gold/x.yaml: participants[2].kind: must be one of person, organization, country, group``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from pathlib import Path
from typing import Annotated, Any, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from summarizer.errors import InputError
from summarizer.files import read_bounded
from summarizer.grounding import QuoteLocator
from summarizer.ingest import Article, load_article
from summarizer.names import name_key
from summarizer.schema import UNNAMED_SOURCE, ParticipantKind

GOLD_DIR = "gold"
GOLD_SUFFIX = ".yaml"
PARTICIPANT_KINDS: tuple[str, ...] = get_args(ParticipantKind)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- field types ------------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]


def _empty_if_null(value: Any) -> Any:
    return [] if value is None else value


def _one_or_more_names(value: Any) -> Any:
    """A speaker is one name or a list of acceptable names; anything else is refused here, so
    the message is one sentence instead of pydantic's error per union member."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return value
    raise PydanticCustomError("names", "must be a name or a non-empty list of names")


def _kind(value: Any) -> Any:
    if value not in PARTICIPANT_KINDS:
        raise PydanticCustomError(
            "kind", "must be one of {kinds}, not {got}", {"kinds": ", ".join(PARTICIPANT_KINDS), "got": repr(value)}
        )
    return value


def _gold_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # before date: datetime is a subclass of date
        raise PydanticCustomError("date", "must be a date (YYYY-MM-DD) or null, not a date and time")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise PydanticCustomError("date", "must be a date (YYYY-MM-DD) or null, got {got}", {"got": repr(value)})


def _locations(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


Names = Annotated[Text | list[Text], BeforeValidator(_one_or_more_names)]
TextList = Annotated[list[Text], BeforeValidator(_empty_if_null)]


def names_of(value: str | list[str]) -> list[str]:
    """The acceptable names of a gold speaker written either as one name or as a list."""
    return [value] if isinstance(value, str) else list(value)


# --- models -----------------------------------------------------------------------------------


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldEvent(_Gold):
    title: Text
    summary: Text
    date: Annotated[str | None, BeforeValidator(_gold_date)] = Field(
        description="ISO date, or null when the article does not state it; the key must be written."
    )
    location: Annotated[list[Text], BeforeValidator(_locations)] = Field(
        default_factory=list, description="Any of these is right; empty when the article names no place."
    )


class GoldParticipant(_Gold):
    name: Text
    aliases: TextList = Field(default_factory=list)
    kind: Annotated[ParticipantKind, BeforeValidator(_kind)]
    required: bool = True


class GoldClaim(_Gold):
    speaker: Names = Field(description="A participant name or alias, 'unnamed source', or a list of these.")
    statement: Text
    quote: Text | None = None
    required: bool = True


class GoldDenial(_Gold):
    speaker: Names = Field(description="Who denies: one name, or a list of which any is right.")
    denied: Text
    accuser: Text | None = None
    quote: Text | None = None
    required: bool = True


class GoldCase(_Gold):
    """One gold file. Built by :func:`load_case`, it also carries the loaded article text."""

    id: Text
    article: Text = Field(description="Path of the article, relative to the suite folder.")
    language: Text
    event: GoldEvent
    participants: Annotated[list[GoldParticipant], BeforeValidator(_empty_if_null)]
    claims: Annotated[list[GoldClaim], BeforeValidator(_empty_if_null)] = Field(default_factory=list)
    denials: Annotated[list[GoldDenial], BeforeValidator(_empty_if_null)] = Field(default_factory=list)

    _gold_path: Path | None = PrivateAttr(default=None)
    _article: Article | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> GoldCase:
        """Names that scoring resolves must resolve here already (see the module docstring)."""
        owners: dict[str, int] = {}
        for i, participant in enumerate(self.participants):
            key = name_key(participant.name)
            if key in owners:
                raise _field_error(f"participants[{i}].name", f"{participant.name!r} is also participants[{owners[key]}]")
            owners[key] = i
        known = {name_key(UNNAMED_SOURCE)}
        for participant in self.participants:
            known.update(name_key(n) for n in (participant.name, *participant.aliases))
        for section, items in (("claims", self.claims), ("denials", self.denials)):
            for i, item in enumerate(items):
                names = names_of(item.speaker)
                for j, name in enumerate(names):
                    if name_key(name) not in known:
                        where = f"{section}[{i}].speaker" + ("" if isinstance(item.speaker, str) else f"[{j}]")
                        raise _field_error(where, f"{name!r} is not a participant's name or alias, nor {UNNAMED_SOURCE!r}")
                accuser = getattr(item, "accuser", None)
                if accuser is not None and name_key(accuser) not in known:
                    raise _field_error(
                        f"{section}[{i}].accuser", f"{accuser!r} is not a participant's name or alias, nor {UNNAMED_SOURCE!r}"
                    )
        return self

    @property
    def gold_path(self) -> Path:
        """The gold file this case was loaded from."""
        if self._gold_path is None:
            raise RuntimeError("this GoldCase was not loaded with load_case()")
        return self._gold_path

    @property
    def loaded_article(self) -> Article:
        """The article as the pipeline sees it; scoring offsets index into ``.text``."""
        if self._article is None:
            raise RuntimeError("this GoldCase was not loaded with load_case()")
        return self._article

    @property
    def article_text(self) -> str:
        return self.loaded_article.text

    @property
    def article_path(self) -> Path:
        """The article file, resolved (symlinks followed) and inside the suite folder."""
        source = self.loaded_article.source
        assert source is not None  # always set by load_article
        return Path(source)


def _field_error(path: str, message: str) -> PydanticCustomError:
    # The path travels in the message because a model-level error has no location of its own.
    return PydanticCustomError("gold_field", "{path}: {message}", {"path": path, "message": message})


# --- loading ----------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key; the base class reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _yaml_error(shown: str, exc: yaml.YAMLError) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return InputError(f"{shown}: broken YAML{where}: {_one_line(problem)}")


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(error: Any) -> str:
    """One pydantic error as ``field: message``, in the gold file's terms."""
    kind = error["type"]
    where = _location(tuple(error["loc"]))
    if kind == "gold_field":
        return str(error["msg"])
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "string_type":
        got = error.get("input")
        message = "must be text" + (" (put it in quotes)" if isinstance(got, bool | int | float) else "")
    elif kind in {"list_type"}:
        message = "must be a list"
    elif kind in {"model_type", "model_attributes_type", "dict_type"}:
        message = "must be a mapping of keys to values"
    elif kind in {"bool_type", "bool_parsing"}:
        message = "must be true or false"
    else:
        message = _one_line(error["msg"])
    return f"{where}: {message}" if where else message


def _validation_error(shown: str, exc: ValidationError) -> InputError:
    errors = exc.errors()
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return InputError(f"{shown}: {_describe(errors[0])}{more}")


MAX_GOLD_BYTES = 1024 * 1024  # a gold file is a few kilobytes; more means the wrong file


def _read_yaml(path: Path, shown: str) -> Any:
    data = read_bounded(str(path), max_bytes=MAX_GOLD_BYTES, kind="gold file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{shown}: not valid UTF-8 at line {line}; save the gold file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, exc) from None


def resolve_article(raw: str, suite_dir: Path) -> Path:
    """Where a gold file's ``article`` points, refusing anything outside the suite folder.

    Resolution follows ``..`` and symlinks before the check, so neither can be used to read
    outside; an absolute path is refused even when it points inside, since it would break as
    soon as the suite is copied elsewhere. Raises ``ValueError`` with the reason.
    """
    if Path(raw).is_absolute():
        raise ValueError("must be a path relative to the suite folder, not an absolute path")
    suite = suite_dir.resolve()
    target = (suite / raw).resolve()
    if not target.is_relative_to(suite):
        raise ValueError(f"leaves the suite folder ({raw})")
    return target


def load_case(path: Path, suite_dir: Path) -> GoldCase:
    """Load, validate and attach the article of one gold file (see the module docstring)."""
    shown = str(path)
    data = _read_yaml(path, shown)
    if data is None:
        raise InputError(f"{shown}: the gold file is empty")
    if not isinstance(data, dict):
        raise InputError(f"{shown}: must be a YAML mapping (id, article, language, event, ...), not a {type(data).__name__}")
    try:
        case = GoldCase.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(shown, exc) from None

    try:
        target = resolve_article(case.article, suite_dir)
    except ValueError as exc:
        raise InputError(f"{shown}: article: {exc}") from None
    try:
        article = load_article(target)
    except InputError as exc:
        raise InputError(f"{shown}: article: {exc}") from None

    locator = QuoteLocator(article.text)
    for section, items in (("claims", case.claims), ("denials", case.denials)):
        for i, item in enumerate(items):
            if item.quote is not None and locator.locate(item.quote) is None:
                raise InputError(f"{shown}: {section}[{i}].quote: not found verbatim in the article")
    case._gold_path = path
    case._article = article
    return case


def suite_dir_of(gold_file: Path) -> Path:
    """The suite folder of a gold file: the parent of the ``gold/`` folder it sits in."""
    absolute = gold_file.absolute()
    if absolute.parent.name != GOLD_DIR:
        raise InputError(f"{gold_file}: a gold file must sit in the {GOLD_DIR}/ folder of a suite")
    return absolute.parent.parent


def discover(suite_or_files: list[Path]) -> list[Path]:
    """Gold files to run: a suite folder gives its ``gold/*.yaml`` sorted by name; a file is
    taken as given. The same file named twice is run once (first position wins)."""
    found: list[Path] = []
    seen: set[Path] = set()
    for given in suite_or_files:
        if given.is_dir():
            gold = given / GOLD_DIR
            if not gold.is_dir():
                raise InputError(f"{given}: not a suite folder: it has no {GOLD_DIR}/ folder")
            files = sorted(p for p in gold.glob(f"*{GOLD_SUFFIX}") if p.is_file())
            if not files:
                raise InputError(f"{given}: no gold files ({GOLD_DIR}/*{GOLD_SUFFIX})")
        elif given.exists():
            files = [given]
        else:
            raise InputError(f"{given}: no such file or folder")
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def select(paths: list[Path], patterns: str) -> list[Path]:
    """The gold files whose case name (file name without ``.yaml``) matches one of the
    comma-separated glob patterns (``"de-*,ru-*"``), in their order. A pattern that matches no
    case is an error, so that a typo never silently runs a smaller suite."""
    wanted = [p.strip() for p in patterns.split(",") if p.strip()]
    if not wanted:
        raise InputError(f"--cases {patterns!r}: no case pattern given")
    for pattern in wanted:
        if not any(fnmatch.fnmatchcase(path.stem, pattern) for path in paths):
            names = ", ".join(path.stem for path in paths[:6]) + (", …" if len(paths) > 6 else "")
            raise InputError(f"--cases: {pattern!r} matches no case (cases: {names})")
    return [path for path in paths if any(fnmatch.fnmatchcase(path.stem, pattern) for pattern in wanted)]


def load_cases(suite_or_files: list[Path]) -> list[GoldCase]:
    """Discover and load every case, refusing two cases with the same ``id``: results and
    reports are keyed by it."""
    cases: list[GoldCase] = []
    by_id: dict[str, Path] = {}
    for file in discover(suite_or_files):
        case = load_case(file, suite_dir_of(file))
        if case.id in by_id:
            raise InputError(f"{file}: id: {case.id!r} is also the id of {by_id[case.id]}")
        by_id[case.id] = file
        cases.append(case)
    return cases
