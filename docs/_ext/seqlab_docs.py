"""Sphinx directives that generate pages from seqlab's own code, so the docs cannot drift from it.

``.. seqlab-options:: seqlab.options.GradeOptions``
    the table of a declared options class (:func:`seqlab.declare.declared`): every option with its flag,
    the commands that take it, its default, whether it is part of the grader version (verdict) and whether
    ``seqlab export gradescope`` bakes it into ``run_autograder`` (exported), and its help.

``.. seqlab-cli:: seqlab.cli.build_parser``
    the command-line reference of the real parser: a section per subcommand with its usage, description,
    positional arguments and options.

``.. seqlab-reexported-data:: seqlab.strategies``
    the constants a public module re-exports from a private one (``GATES`` from
    ``seqlab._strategies.recurrent``), with the ``#:`` doc comment of their home module: autodoc only
    documents module-level data that has a doc comment in the module it documents.

The extension also makes the signatures of dataclasses with ``default_factory`` fields parseable: Python
shows such a default as ``<factory>``, which is not an expression; it is written ``list()``, ``dict()``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import re
import sys
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.inspect import object_description

from seqlab.declare import COMMANDS, declared

COLUMNS = 100  # the width argparse formats usage lines for, whatever the terminal


def _resolve(dotted: str) -> Any:
    """The object a dotted name (``seqlab.options.GradeOptions``) names."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _inline(text: str) -> list[nodes.Node]:
    """``text`` as nodes: spans in backticks (as help strings quote commands) become literals."""
    parts = re.split(r"`([^`]+)`", text)
    # re.split keeps the groups: the odd parts were inside backticks
    return [nodes.literal(p, p) if i % 2 else nodes.Text(p) for i, p in enumerate(parts) if p]


def _cell(*content: nodes.Node | str) -> nodes.entry:
    paragraph = nodes.paragraph()
    for item in content:
        paragraph += nodes.Text(item) if isinstance(item, str) else item
    return nodes.entry("", paragraph)


def _table(header: list[str], rows: list[list[nodes.entry]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["seqlab-generated"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(_cell(title) for title in header))
    group += head
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *row)
    group += body
    return table


class OptionsTable(SphinxDirective):
    """``.. seqlab-options:: DOTTED.CLASS``: the options table of a declared options dataclass."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        rows = []
        for d in declared(_resolve(self.arguments[0])):
            o = d.option
            commands = ", ".join(c for c in COMMANDS if o.takes(c))
            default: list[nodes.Node] = [nodes.literal("", repr(d.default))]
            unattended = d.default_for("grade-class")
            if unattended != d.default:
                default += [nodes.Text(" ("), nodes.literal("", repr(unattended)), nodes.Text(" unattended)")]
            meaning = o.help.replace("%(default)s", str(d.default))
            rows.append(
                [
                    _cell(nodes.literal("", d.name)),
                    _cell(nodes.literal("", o.flag)) if o.flag else _cell(),
                    _cell(commands),
                    _cell(*default),
                    _cell("yes" if o.verdict else ""),
                    _cell("yes" if o.exported else ""),
                    _cell(*_inline(meaning)),
                ]
            )
        header = ["option", "flag", "commands", "default", "verdict", "exported", "meaning"]
        return [_table(header, rows, [14, 12, 12, 10, 6, 6, 40])]


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """``(name, help, parser)`` of every subcommand of ``parser``, in the order they were added."""
    found = []
    for action in parser._actions:  # argparse has no public way to walk a parser
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            found += [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return found


def _expanded_help(action: argparse.Action, prog: str) -> str:
    """An argument's help with argparse's ``%(default)s``-style fields filled in, as ``--help`` shows it."""
    params = {key: value for key, value in vars(action).items() if value is not argparse.SUPPRESS}
    params["prog"] = prog
    for key, value in list(params.items()):
        if hasattr(value, "__name__"):
            params[key] = value.__name__
    if params.get("choices") is not None:
        params["choices"] = ", ".join(map(str, params["choices"]))
    return (action.help or "") % params


def _argument_name(action: argparse.Action) -> str:
    """How an argument is written: ``--out, -o OUT``, ``--fix``, ``submission``."""
    if not action.option_strings:
        name = action.metavar if isinstance(action.metavar, str) else action.dest
        return f"{name} {{{','.join(map(str, action.choices))}}}" if action.choices else name
    if action.nargs == 0:
        return ", ".join(action.option_strings)
    if action.metavar is not None:
        metavar = action.metavar
    elif action.choices is not None:
        metavar = "{" + ",".join(map(str, action.choices)) + "}"
    else:
        metavar = action.dest.upper()
    return f"{', '.join(action.option_strings)} {metavar}"


def _arguments(parser: argparse.ArgumentParser, positional: bool) -> nodes.definition_list:
    items = nodes.definition_list()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if bool(action.option_strings) == positional or action.help == argparse.SUPPRESS:
            continue
        term = nodes.term("", "", nodes.literal("", _argument_name(action)))
        text = nodes.paragraph("", "", *_inline(_expanded_help(action, parser.prog)))
        items += nodes.definition_list_item("", term, nodes.definition("", text))
    return items


class CommandLine(SphinxDirective):
    """``.. seqlab-cli:: DOTTED.FUNCTION``: the reference of the parser the function builds."""

    required_arguments = 1

    def _usage(self, parser: argparse.ArgumentParser) -> nodes.literal_block:
        formatter = argparse.HelpFormatter(parser.prog, width=COLUMNS)
        formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
        text = formatter.format_help().strip()
        return nodes.literal_block(text, text, language="none")

    def run(self) -> list[nodes.Node]:
        parser = _resolve(self.arguments[0])()
        result: list[nodes.Node] = [self._usage(parser)]
        for name, summary, sub in _subcommands(parser):
            section = nodes.section(ids=[f"command-{name}"], names=[f"command-{name}"])
            self.state.document.note_explicit_target(section)  # so :ref:`command-grade` finds it
            section += nodes.title("", "", nodes.literal("", f"seqlab {name}"))
            section += nodes.paragraph("", "", *_inline(summary[:1].upper() + summary[1:] + "."))
            section += self._usage(sub)
            if sub.description:
                section += nodes.paragraph("", "", *_inline(sub.description))
            for positional, title in ((True, "Arguments"), (False, "Options")):
                listed = _arguments(sub, positional)
                if listed.children:
                    section += nodes.rubric("", title)
                    section += listed
            result.append(section)
        return result


def _home_comment(module: str, name: str, value: Any) -> list[str]:
    """The ``#:`` doc comment of the seqlab module where ``name`` (``value``) was defined."""
    for home, loaded in sorted(sys.modules.items()):
        if home == module or not home.startswith("seqlab") or getattr(loaded, name, None) is not value:
            continue
        try:
            comments = ModuleAnalyzer.for_module(home).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in comments:
            return list(comments["", name])
    return []


class ReexportedData(SphinxDirective):
    """``.. seqlab-reexported-data:: MODULE``: the data in ``MODULE.__all__`` defined in other modules."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module = importlib.import_module(self.arguments[0])
        own = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
        lines: list[str] = []
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) or inspect.ismodule(value) or ("", name) in own:
                continue  # autodoc documents functions, classes and data with a comment of its own
            lines += [f".. py:data:: {name}", f"   :module: {module.__name__}"]
            lines += [f"   :value: {object_description(value)}", ""]
            lines += [f"   {line}" for line in _home_comment(module.__name__, name, value)] + [""]
        return self.parse_text_to_nodes("\n".join(lines))


_FACTORY = re.compile(r"<factory>")


def _factory_defaults(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str
) -> tuple[str, str] | None:
    """Write a dataclass field's ``<factory>`` default as a call of its factory (``list()``)."""
    if not signature or "<factory>" not in signature or not dataclasses.is_dataclass(obj):
        return None
    fields = dataclasses.fields(obj)
    factories = [f.default_factory for f in fields if f.init and f.default_factory is not dataclasses.MISSING]
    names = iter(f"{getattr(factory, '__name__', 'factory')}()" for factory in factories)
    return _FACTORY.sub(lambda _: next(names, "..."), signature), ret


def _skip_field_defaults(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Skip a class attribute that holds a function of another name (a dataclass field's default, such as
    ``Catalogue.observe``): it is a value, not a method, and the class's docstring says what it is for."""
    if what in ("class", "exception") and inspect.isfunction(obj) and obj.__name__ != name:
        return True
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("seqlab-options", OptionsTable)
    app.add_directive("seqlab-cli", CommandLine)
    app.add_directive("seqlab-reexported-data", ReexportedData)
    app.connect("autodoc-process-signature", _factory_defaults)
    app.connect("autodoc-skip-member", _skip_field_defaults)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
