"""`edtool styleguide test`: every rule's examples, each as a small draft in the rule's first scope."""

from __future__ import annotations

import json
from dataclasses import dataclass

from edtool.checks.style import CompiledStyle, run_rules
from edtool.checks.style.base import Rule
from edtool.draft import Draft

SCOPE_ORDER = ("paragraph", "heading", "list_item", "blockquote", "title", "teaser", "table")


def example_draft(rule: Rule, text: str) -> Draft:
    scope = next(s for s in SCOPE_ORDER if s in rule.scopes)
    front = {"title": "Beispiel", "teaser": ""}
    body = ""
    if scope in ("title", "teaser"):
        front[scope] = text
    elif scope == "heading":
        body = f"# {text}\n"
    elif scope == "list_item":
        body = f"- {text}\n"
    elif scope == "blockquote":
        body = "> " + text.replace("\n", "\n> ") + "\n"
    elif scope == "table":
        body = f"| {text} |\n| --- |\n"
    else:
        body = text + "\n"
    lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items() if v] + ["---", ""]
    return Draft.from_text("\n".join(lines) + body, f"<{rule.id}>")


@dataclass
class Failure:
    rule: str
    expected: str  # "flag" or "accept"
    text: str
    message: str = ""


def run_examples(style: CompiledStyle) -> tuple[int, int, list[Failure]]:
    """(rules with examples, number of examples, failures)."""
    rules = examples = 0
    failures: list[Failure] = []
    for rule in style.rules:
        cases = [("flag", t) for t in rule.examples_flag] + [("accept", t) for t in rule.examples_accept]
        if not cases:
            continue
        rules += 1
        for expected, text in cases:
            examples += 1
            found = [d for d in run_rules(example_draft(rule, text), style, [rule]) if d.rule == rule.id]
            if expected == "flag" and not found:
                failures.append(Failure(rule.id, expected, text))
            elif expected == "accept" and found:
                failures.append(Failure(rule.id, expected, text, found[0].message))
    return rules, examples, failures
