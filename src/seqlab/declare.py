"""Options declared once: a dataclass field and its :class:`Option` metadata, and what is generated from it.

A field of :class:`seqlab.options.GradeOptions` (or of a nested dataclass,
:class:`~seqlab.isolate.limits.Limits`, or of the Gradescope export's options) says once what it is: its
default, its command-line flag and help, the commands that take it, whether it can change a verdict or its
feedback (so it belongs in the grader version a gradebook stores grades under) and whether ``seqlab export
gradescope`` bakes it into
``run_autograder``. Everything else is generated from that declaration:

* the flags of ``seqlab grade``, ``grade-class``, ``reconcile``, ``export`` and ``check``
  (:func:`add_flags`, read back with :func:`from_args`);
* the ``seqlab grade`` arguments a Gradescope autograder or an nbgrader test cell runs with
  (:func:`to_arguments`);
* the options that go into the grader version (:func:`verdict_values`);
* the options table of the docs (:func:`options_table`).

A test (tests/engine/test_options.py) compares the real parser, the export's arguments and the grader
version with this declaration.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from seqlab.errors import ConfigError

__all__ = [
    "ATTENDED",
    "COMMANDS",
    "Option",
    "Declared",
    "add_flags",
    "declared",
    "from_args",
    "option",
    "options_table",
    "positive_float",
    "positive_int",
    "to_arguments",
    "verdict_values",
]

#: The commands whose flags come from the declaration.
COMMANDS = ("grade", "grade-class", "reconcile", "export", "check")
#: Where a person grades their own run; the others grade other people's work unattended, where the
#: defaults are the safe ones (see :attr:`Option.unattended`).
ATTENDED = frozenset({"grade", "check"})
#: The commands of a grading run of the hidden suite.
RUN = frozenset({"grade", "grade-class", "reconcile"})

OPTION = "seqlab.option"  # the key of a field's metadata
_UNSET: Any = object()


def positive_float(text: str) -> float:
    """``argparse`` type: a number above zero."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def positive_int(text: str) -> int:
    """``argparse`` type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def moment(text: str) -> datetime:
    """``argparse`` type: an ISO 8601 date and time (see :func:`seqlab.hints.policy.parse_moment`)."""
    from seqlab.hints.policy import parse_moment

    try:
        return parse_moment(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class Option:
    """What one option is, beside its field's name and default.

    Attributes:
        help: one sentence for ``--help`` and the docs (``%(default)s`` is filled in).
        flag: the command-line flag, or None for an option only a program sets.
        commands: the commands (of :data:`COMMANDS`) that take the flag.
        verdict: it can change a verdict or its feedback, so it is part of the grader version.
        exported: ``seqlab export gradescope`` bakes it into ``run_autograder``'s ``seqlab grade``.
        parse: turns the flag's text into the value (``int``, :func:`positive_float`, ...).
        choices: the values the flag accepts.
        negated: a switch that turns the field off (``--no-hints`` makes ``hints`` False).
        repeated: the flag may be given several times; the field holds a tuple of the values.
        unattended: the default where seqlab grades other people's work unattended (every command but
            :data:`ATTENDED`), when it differs from the field's default.
        unattended_choices: the choices there.
        shortcut: ``(flag, value, help)``: a second flag that sets this option to ``value``.
        metavar: the flag's placeholder in ``--help``.
    """

    help: str
    flag: str | None = None
    commands: frozenset[str] = RUN
    verdict: bool = False
    exported: bool = False
    parse: Callable[[str], Any] | None = None
    choices: tuple[str, ...] | None = None
    negated: bool = False
    repeated: bool = False
    unattended: Any = _UNSET
    unattended_choices: tuple[str, ...] | None = None
    shortcut: tuple[str, Any, str] | None = None
    metavar: str | None = None

    def takes(self, command: str) -> bool:
        """Whether ``command`` has this option's flag (``export`` has every exported one)."""
        return bool(self.flag) and (command in self.commands or (command == "export" and self.exported))


def option(default: Any = _UNSET, *, default_factory: Any = _UNSET, **declaration: Any) -> Any:
    """A dataclass field declared as an option: ``seed: int = option(0, flag="--seed", help=...)``."""
    metadata = {OPTION: Option(**declaration)}
    if default_factory is not _UNSET:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Declared:
    """An option as declared: where it lives in the options object, its declaration and its default."""

    path: tuple[str, ...]
    option: Option
    default: Any

    @property
    def name(self) -> str:
        """The option's dotted name, ``seed`` or ``limits.call_timeout``."""
        return ".".join(self.path)

    @property
    def dest(self) -> str:
        """Its ``argparse`` destination."""
        return "__".join(self.path)

    def default_for(self, command: str) -> Any:
        """The default where ``command`` runs (see :attr:`Option.unattended`)."""
        if command not in ATTENDED and self.option.unattended is not _UNSET:
            return self.option.unattended
        return self.default

    def choices_for(self, command: str) -> tuple[str, ...] | None:
        if command not in ATTENDED and self.option.unattended_choices is not None:
            return self.option.unattended_choices
        return self.option.choices


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory()  # type: ignore[misc]


def declared(cls: type) -> list[Declared]:
    """Every option of the dataclass ``cls``, nested option dataclasses' included, in declaration order."""
    found: list[Declared] = []
    for f in dataclasses.fields(cls):
        default = _default(f)
        if dataclasses.is_dataclass(default) and OPTION not in f.metadata:
            found += [Declared((f.name, *d.path), d.option, d.default) for d in declared(type(default))]
        elif OPTION in f.metadata:
            found.append(Declared((f.name,), f.metadata[OPTION], default))
    return found


def _flagged(cls: type, command: str) -> Iterator[Declared]:
    return (d for d in declared(cls) if d.option.takes(command))


def add_flags(parser: argparse.ArgumentParser, cls: type, command: str, *, lead: str = "") -> None:
    """Add the flags of ``cls``'s options that ``command`` takes to ``parser``; ``lead`` starts each help."""
    for d in _flagged(cls, command):
        o = d.option
        default = d.default_for(command)
        text = lead + o.help
        metavar = o.metavar or (o.flag or "").lstrip("-").upper().replace("-", "_")
        if o.negated:
            parser.add_argument(o.flag, dest=d.dest, action="store_false", default=default, help=text)
        elif o.repeated:
            parser.add_argument(
                o.flag, dest=d.dest, action="append", type=o.parse, metavar=metavar, default=None, help=text
            )
        else:
            parser.add_argument(
                o.flag,
                dest=d.dest,
                type=o.parse,
                choices=d.choices_for(command),
                default=default,
                metavar=None if d.choices_for(command) else metavar,
                help=text,
            )
        if o.shortcut is not None:
            flag, value, help_text = o.shortcut
            parser.add_argument(flag, dest=d.dest, action="store_const", const=value, help=lead + help_text)


def from_args(cls: type, args: argparse.Namespace, command: str, **overrides: Any) -> Any:
    """The ``cls`` object the parsed ``args`` of ``command`` describe (options it has no flag for keep
    their defaults; ``overrides`` set top-level fields)."""
    values: dict[tuple[str, ...], Any] = {}
    for d in _flagged(cls, command):
        value = getattr(args, d.dest)
        if d.option.repeated:
            value = tuple(value or ())
        values[d.path] = value
    return _build(cls, values, overrides)


def _build(cls: type, values: dict[tuple[str, ...], Any], overrides: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        default = _default(f)
        if dataclasses.is_dataclass(default) and OPTION not in f.metadata:
            nested = {path[1:]: v for path, v in values.items() if path[0] == f.name}
            if nested:
                kwargs[f.name] = _build(type(default), nested, {})
        elif (f.name,) in values:
            kwargs[f.name] = values[f.name,]
    kwargs.update(overrides)
    return cls(**kwargs)


def value_of(instance: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (``("limits", "call_timeout")``) of an options object."""
    for name in path:
        instance = getattr(instance, name)
    return instance


def _text(value: Any) -> str:
    """A value as a flag's text that parses back to the same value (``10`` for 10.0, ``1.2345678``)."""
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def to_arguments(instance: Any, *, exported_only: bool = True, changed_only: bool = False) -> list[str]:
    """The ``seqlab grade`` arguments that reproduce ``instance``'s options: those the Gradescope export
    bakes in (``exported_only``), every one or only those that differ from the defaults (``changed_only``:
    ``--gpu-policy award``)."""
    words: list[str] = []
    for d in declared(type(instance)):
        o = d.option
        if not o.takes("grade") or (exported_only and not o.exported):
            continue
        value = value_of(instance, d.path)
        if changed_only and value == d.default:
            continue
        if o.negated:
            words += [] if value else [o.flag]
        elif o.repeated:
            for item in value:
                words += [o.flag, _text(item)]
        elif value is not None:
            words += [o.flag, _text(value)]
    return words


def verdict_values(instance: Any) -> dict[str, Any]:
    """The values of the options that can change a verdict or its feedback, by dotted name (JSON-ready)."""
    values: dict[str, Any] = {}
    for d in declared(type(instance)):
        if d.option.verdict:
            value = value_of(instance, d.path)
            values[d.name] = sorted(value) if isinstance(value, tuple) else value
    return values


def options_table(cls: type) -> str:
    """The declaration as a Markdown table, for the docs."""
    rows = [
        "| option | flag | commands | default | verdict | exported | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in declared(cls):
        o = d.option
        commands = ", ".join(c for c in COMMANDS if o.takes(c))
        default = f"`{d.default!r}`"
        if o.unattended is not _UNSET:
            default += f" (`{o.unattended!r}` unattended)"
        meaning = o.help.replace("%(default)s", str(d.default)).replace("|", "\\|")
        rows.append(
            f"| `{d.name}` | {f'`{o.flag}`' if o.flag else ''} | {commands} | {default} | "
            f"{'yes' if o.verdict else ''} | {'yes' if o.exported else ''} | {meaning} |"
        )
    return "\n".join(rows) + "\n"


def check_values(instance: Any) -> None:
    """Refuse values no flag could give: a timeout of zero, a choice that is not one.

    Raises:
        ConfigError: naming the option and its flag.
    """
    for d in declared(type(instance)):
        value = value_of(instance, d.path)
        o = d.option
        where = f"{d.name} ({o.flag})" if o.flag else d.name
        if o.parse in (positive_float, positive_int) and not (isinstance(value, (int, float)) and value > 0):
            raise ConfigError(f"{where} must be positive, got {value!r}")
        choices = set(o.choices or ()) | set(o.unattended_choices or ())
        if choices and value not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(sorted(choices))}, got {value!r}")
