"""One check run: the style guide (configuration only) and what the checks build from it.

The checks take a CheckRun, read the configuration as `run.guide` and ask the run for what they
compile or load: the style rules, the metadata schema, the grammar settings and session, the desk's
words, ignore.yaml. Each is built on first use and kept for the run, so it is built once however
many drafts the run checks. Two runs share nothing: a second run reads ignore.yaml and the word
list again.

`edtool check` makes one run per invocation (engine.check_sources); worker processes inherit it
through fork. The language server keeps one per loaded style guide and drops it with the guide, so
compiled rules and the grammar session survive edits and are rebuilt when styleguide.yaml or a file
it names changes. Nothing heavy is imported here: each part imports its builder when first asked.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from edtool.styleguide import StyleGuide

if TYPE_CHECKING:  # pragma: no cover
    import re
    from pathlib import Path

    from edtool.checks.grammar import GrammarSession
    from edtool.checks.grammar_settings import GrammarSettings
    from edtool.checks.style import CompiledStyle
    from edtool.ignore import IgnoreFile


class CheckRun:
    def __init__(self, guide: StyleGuide):
        self.guide = guide
        self._grammar_session: GrammarSession | None = None
        # the slug check's look-ups, each kept while the files it read are unchanged (checks/metadata_slug.py)
        self.drafts_indexes: dict[str, dict[str, Any]] = {}  # drafts folder -> its slug index and stamp
        self.content_tracked: dict[tuple[str, Any], str | None] = {}  # (repository, index stamp) -> paths
        self.slug_unchecked_reported = False  # metadata.slug-unchecked: once per run

    def __repr__(self) -> str:
        return f"CheckRun({self.guide.path!r})"

    @cached_property
    def style(self) -> CompiledStyle:
        """The house style rules and the accepted words, compiled."""
        from edtool.checks.style import build_rules

        return build_rules(self.guide)

    @cached_property
    def schema(self) -> tuple[Any, dict]:
        """The metadata schema's compiled validator and the schema."""
        from edtool.checks.metadata import compile_schema

        return compile_schema(self.guide)

    @cached_property
    def grammar_settings(self) -> GrammarSettings:
        from edtool.checks.grammar_settings import load_settings

        return load_settings(self.guide)

    @property
    def grammar_session(self) -> GrammarSession:
        """The connection to LanguageTool with its per-paragraph cache, set up on first use."""
        if self._grammar_session is None:
            return self.new_grammar_session()
        return self._grammar_session

    @property
    def started_grammar_session(self) -> GrammarSession | None:
        """The grammar session if one was set up, without setting one up."""
        return self._grammar_session

    def new_grammar_session(self) -> GrammarSession:
        """A fresh grammar session in place of the old one (after LanguageTool was unavailable)."""
        from edtool.checks.grammar import GrammarSession

        self._grammar_session = GrammarSession(self.grammar_settings)
        return self._grammar_session

    @cached_property
    def desk_terms(self) -> tuple[str, ...]:
        """Words and names the desk accepts: vocabulary.accept and the learned word list."""
        from edtool.checks.grammar import read_desk_terms

        return read_desk_terms(self.guide)

    @cached_property
    def vocabulary(self) -> re.Pattern | None:
        """One pattern for the desk's words (None without any)."""
        from edtool.checks.grammar import vocabulary_pattern

        return vocabulary_pattern(self.desk_terms)

    @cached_property
    def ignore(self) -> IgnoreFile:
        """ignore.yaml next to the style guide."""
        from edtool.ignore import load_for

        return load_for(self.guide)

    @cached_property
    def drafts_dir(self) -> Path:
        from edtool.desk import drafts_dir

        return drafts_dir(self.guide)
