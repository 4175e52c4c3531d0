"""The rule kinds: one explicit table from the `kind:` name in styleguide.yaml to its class."""

from __future__ import annotations

from edtool.checks.style.base import Rule
from edtool.checks.style.conditional import Conditional
from edtool.checks.style.consistency import Consistency
from edtool.checks.style.existence import Existence
from edtool.checks.style.occurrence import Occurrence
from edtool.checks.style.readability import Readability
from edtool.checks.style.repetition import Repetition
from edtool.checks.style.substitution import Substitution

KINDS: dict[str, type[Rule]] = {
    "existence": Existence,
    "substitution": Substitution,
    "occurrence": Occurrence,
    "repetition": Repetition,
    "consistency": Consistency,
    "conditional": Conditional,
    "readability": Readability,
}
