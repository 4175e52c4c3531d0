"""The `grammar:` section of styleguide.yaml, read without importing the grammar check itself
(validating a style guide, `edtool server`, the background start need only this).
See checks/grammar.py for what each key means."""

from __future__ import annotations

from dataclasses import dataclass, field

from edtool.diagnostics import Severity
from edtool.messages import msg
from edtool.styleguide import StyleGuide

LANGUAGES = ("de-DE", "de-AT", "de-CH")


@dataclass(frozen=True)
class GrammarSettings:
    server_url: str | None = None
    required: bool = False
    language: str = "de-DE"
    idle_minutes: float = 30.0
    timeout: float = 30.0
    disabled_rules: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    max_suggestions: int = 5
    enabled: bool = True
    foreign_languages: tuple[str, ...] = ("en-US",)

    @property
    def request_settings(self) -> dict:
        """What changes LanguageTool's answer (part of the cache key)."""
        return {"disabled_rules": sorted(self.disabled_rules), "disabled_categories": sorted(self.disabled_categories)}


def _number(guide: StyleGuide, section: dict, key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise guide.error(f"„grammar.{key}“ muss eine Zahl ab 0 sein", "grammar", key)
    return float(value)


def _names(guide: StyleGuide, section: dict, key: str) -> tuple[str, ...]:
    value = section.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise guide.error(f"„grammar.{key}“ muss eine Liste von Regel-IDs sein", "grammar", key)
    return tuple(v.strip() for v in value)


def warmup_params(settings: GrammarSettings, language: str | None = None) -> dict:
    """The /v2/check parameters our requests carry, as the client sends them (sorted lists)."""
    params = {"language": language or settings.language}
    if settings.disabled_rules:
        params["disabledRules"] = ",".join(sorted(set(settings.disabled_rules)))
    if settings.disabled_categories:
        params["disabledCategories"] = ",".join(sorted(set(settings.disabled_categories)))
    return params


def load_settings(guide: StyleGuide) -> GrammarSettings:
    """The `grammar:` section, validated (once per check run: CheckRun.grammar_settings)."""
    section = guide.section("grammar")
    severity: dict[str, Severity] = {}
    raw = section.get("severity") or {}
    if not isinstance(raw, dict):
        raise guide.error("„grammar.severity“ muss eine Zuordnung Regel → Stufe sein", "grammar", "severity")
    for key, value in raw.items():
        try:
            severity[str(key)] = Severity.parse(str(value))
        except ValueError:
            raise guide.error(f"Stufe „{value}“ unbekannt (error, warning, info)",
                              "grammar", "severity", key) from None
    language = section.get("language") or guide.get("language") or "de-DE"
    if language not in LANGUAGES:
        raise guide.error(msg("grammar.bad-language", language=language, allowed=", ".join(LANGUAGES)),
                          "grammar", "language")
    url = section.get("server_url")
    if url is not None and not isinstance(url, str):
        raise guide.error("„grammar.server_url“ muss eine Adresse sein (http://…)", "grammar", "server_url")
    return GrammarSettings(
        server_url=url or None,
        required=bool(section.get("required", False)),
        language=language,
        idle_minutes=_number(guide, section, "idle_minutes", 30),
        timeout=_number(guide, section, "timeout", 30) or 30.0,
        disabled_rules=_names(guide, section, "disabled_rules"),
        disabled_categories=_names(guide, section, "disabled_categories"),
        severity=severity,
        max_suggestions=int(_number(guide, section, "max_suggestions", 5)),
        enabled=bool(section.get("enabled", True)),
        foreign_languages=_names(guide, section, "foreign_languages") if "foreign_languages" in section
        else ("en-US",),
    )
