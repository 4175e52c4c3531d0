"""The command-line parser in German: help page labels and the parser's own errors.

typer ships its parser (a copy of click) with English texts and no translation hook, so this module
sets the help page's labels and renders the parser's errors itself, from the error's own fields
(option name, parameter, value) rather than from its English sentence. tests/test_german_cli.py runs
every kind of error and the help pages through the real console script.
"""

from __future__ import annotations

import re
from typing import TextIO

import typer
from typer._click import exceptions

from edtool.messages import msg, quoted

HELP_OPTION_TEXT = "Diese Hilfe zeigen und beenden."
_USAGE_WORDS = (("[OPTIONS]", "[OPTIONEN]"), ("COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]..."))

# typer's English value errors, each with its German form (value and the rest taken over)
_VALUE_ERRORS = (
    (re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>.*)\.$", re.S), "cli.usage.not-a-choice"),
    (re.compile(r"^'(?P<value>.*)' is not a valid integer(?: range)?\.$", re.S), "cli.usage.not-an-integer"),
    (re.compile(r"^'(?P<value>.*)' is not a valid float(?: range)?\.$", re.S), "cli.usage.not-a-number"),
    (re.compile(r"^'(?P<value>.*)' is not a valid boolean\..*$", re.S), "cli.usage.not-a-boolean"),
    (re.compile(r"^(?P<value>.*) is not in the range (?P<range>.*)\.$", re.S), "cli.usage.out-of-range"),
    (re.compile(r"^'(?P<value>.*)' does not match the formats? (?P<formats>.*)\.$", re.S), "cli.usage.no-format"),
)


def localise() -> None:
    """German help pages and usage lines from here on (idempotent; imports nothing that help alone needs)."""
    from typer import core as typer_core
    from typer._click import core as click_core
    from typer._click import decorators

    if getattr(decorators.help_option, "edtool_german", False):
        return
    english_help_option = decorators.help_option

    def help_option(param_decls):
        add_english = english_help_option(param_decls)

        def add(command):
            add_english(command)
            command.params[-1].help = HELP_OPTION_TEXT
            return command

        return add

    help_option.edtool_german = True
    decorators.help_option = help_option
    english_get_usage = click_core.Command.get_usage
    click_core.Command.get_usage = lambda self, ctx: usage_line(english_get_usage(self, ctx))
    for command_class in (typer_core.TyperCommand, typer_core.TyperGroup):
        command_class.format_help = _labelled(command_class.format_help)


def _labelled(format_help):
    def german_format_help(self, ctx, formatter):
        from typer import rich_utils  # only a help page needs rich

        rich_utils.ARGUMENTS_PANEL_TITLE = "Argumente"
        rich_utils.OPTIONS_PANEL_TITLE = "Optionen"
        rich_utils.COMMANDS_PANEL_TITLE = "Befehle"
        rich_utils.DEFAULT_STRING = "[Vorgabe: {}]"
        rich_utils.REQUIRED_LONG_STRING = "[Pflicht]"
        rich_utils.ENVVAR_STRING = "[Umgebungsvariable: {}]"
        rich_utils.DEPRECATED_STRING = "(veraltet) "
        return format_help(self, ctx, formatter)

    return german_format_help


def usage_line(english: str) -> str:
    text = re.sub(r"^Usage: ", "Aufruf: ", english)
    for before, after in _USAGE_WORDS:
        text = text.replace(before, after)
    return text


def describe(error: exceptions.UsageError) -> str:
    """The parser's error as one German sentence."""
    if isinstance(error, exceptions.NoSuchOption):
        text = msg("cli.usage.no-such-option", option=error.option_name)
        if error.possibilities:
            text += " " + msg("cli.usage.did-you-mean", options=" oder ".join(quoted(o) for o in sorted(error.possibilities)))
        return text
    if isinstance(error, exceptions.MissingParameter):
        return msg("cli.usage.missing-option" if _is_option(error.param) else
                   "cli.usage.missing-argument", name=_param_name(error))
    if isinstance(error, exceptions.BadParameter):
        return msg("cli.usage.bad-value", name=_param_name(error), problem=_value_problem(error.message))
    if isinstance(error, exceptions.BadOptionUsage):
        if error.message.endswith("requires an argument."):
            return msg("cli.usage.needs-value", option=error.option_name)
        if error.message.endswith("does not take a value."):
            return msg("cli.usage.takes-no-value", option=error.option_name)
        return error.message
    return _general(error.message)


def _param_name(error) -> str:
    if error.param_hint:
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint).strip("'")
    param = error.param
    if param is None:
        return "?"
    if _is_option(param):
        return max(param.opts, key=len)
    return (param.human_readable_name or param.name or "?").upper()


def _is_option(param) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _value_problem(message: str) -> str:
    for pattern, key in _VALUE_ERRORS:
        found = pattern.match(message)
        if found:
            values = found.groupdict()
            if "choices" in values:
                values["choices"] = ", ".join(re.findall(r"'([^']*)'", values["choices"])) or values["choices"]
            return msg(key, **values)
    return message  # edtool's own checks raise German messages


_GENERAL = (
    (re.compile(r"^Got unexpected extra arguments? \((?P<extra>.*)\)$", re.S), "cli.usage.extra-arguments"),
    (re.compile(r"^No such command '(?P<name>.*)'\.$", re.S), "cli.usage.no-such-command"),
    (re.compile(r"^Missing command\.$"), "cli.usage.missing-command"),
)


def _general(message: str) -> str:
    for pattern, key in _GENERAL:
        found = pattern.match(message)
        if found:
            return msg(key, **found.groupdict())
    return message


def show(error: exceptions.UsageError, stream: TextIO | None = None) -> None:
    """What the parser says on a usage error, in German: the usage line, where help is, the error."""
    context = error.ctx
    lines = []
    if context is not None:
        lines.append(context.get_usage())
        help_names = context.help_option_names
        if context.command.get_help_option(context) is not None and help_names:
            lines.append(msg("cli.usage.help-hint", command=context.command_path, option=help_names[0]))
        lines.append("")
    lines.append(msg("cli.usage.error", problem=describe(error)))
    typer.echo("\n".join(lines), err=stream is None, file=stream)


__all__ = ["localise", "describe", "show", "usage_line", "HELP_OPTION_TEXT"]
