"""occurrence: limits per scope (words per sentence, sentences or words per paragraph, characters).

`max`/`min` use the rule's level; `limits` escalates: [{max: 20, level: warning}, {max: 30, level:
error}] reports the most severe limit a sentence breaks, once. A limit with `once: true` is said
once per article: at the first place that breaks it (and no stricter one), with {total} = how many
places break it; its own `message` may replace the rule's.
"""

from __future__ import annotations

from edtool.checks.style.base import LEVELS, Context, Rule, RuleSpec, _Sub
from edtool.diagnostics import Severity

METRICS = ("words_per_sentence", "sentences_per_paragraph", "words_per_paragraph", "characters", "words")


class Occurrence(Rule):
    KIND = "occurrence"
    KEYS = {"metric", "max", "min", "limits"}
    PLACEHOLDERS = {"match", "count", "limit", "total"}

    def configure(self, spec: RuleSpec) -> None:
        self.metric = spec.get("metric", str, required=True)
        if self.metric not in METRICS:
            raise spec.error(f"„metric“: „{self.metric}“ ist unbekannt (bekannt: {', '.join(METRICS)})", "metric")
        self.limits: list[tuple[str, int, Severity]] = []  # (max|min, value, severity)
        self.once: dict[int, str | None] = {}  # index into limits -> own message (None: the rule's)
        for key in ("max", "min"):
            value = spec.get(key, int)
            if value is not None:
                self.limits.append((key, value, self.severity))
        said_once = []
        for i, item in enumerate(spec.get("limits", list, [])):
            if not isinstance(item, dict):
                raise spec.error("„limits“ braucht Einträge wie {max: 30, level: error}", "limits", i)
            sub = _Sub(spec, item, "limits", i)
            level = Severity(sub.choice("level", LEVELS, self.severity.value))
            bounds = [(k, sub.get(k, int)) for k in ("max", "min") if k in item]
            sub.check_unknown({"max", "min", "level", "once", "message"})
            if len(bounds) != 1:
                raise spec.error("jeder Eintrag in „limits“ braucht genau eines von „max“ oder „min“", "limits", i)
            self.limits.append((bounds[0][0], bounds[0][1], level))
            if sub.get("once", bool, False):
                said_once.append((self.limits[-1], sub.get("message", str)))
            elif "message" in item:
                raise spec.error("„message“ in „limits“ gilt nur zusammen mit „once: true“", "limits", i)
        if not self.limits:
            raise spec.error("braucht „max“, „min“ oder „limits“")
        # most severe first, then the strictest
        self.limits.sort(key=lambda x: (-x[2].rank, -x[1] if x[0] == "max" else x[1]))
        for limit, message in said_once:
            self.once[self.limits.index(limit)] = message
        self._check_placeholders()

    def levels(self) -> str:
        if len(self.limits) == 1:
            return self.limits[0][2].value
        ordered = sorted(self.limits, key=lambda x: x[2].rank)
        return ", ".join(f"{sev.value} {'>' if bound == 'max' else '<'} {value}" for bound, value, sev in ordered)

    def _check_placeholders(self) -> None:
        super()._check_placeholders()
        saved = self.message
        try:
            for message in getattr(self, "once", {}).values():
                if message is not None:
                    self.message = message
                    super()._check_placeholders()
        finally:
            self.message = saved

    def _broken(self, count: int) -> int | None:
        for index, (bound, value, _) in enumerate(self.limits):
            if (bound == "max" and count > value) or (bound == "min" and count < value):
                return index
        return None

    def check(self, ctx: Context) -> None:
        self._pending: dict[int, list] = {}  # once-limits: [first place, total]
        self._check(ctx)
        for index, (place, total) in sorted(self._pending.items()):
            ctx, seg, start, end, count = place
            self._report(ctx, seg, start, end, count, index, total)

    def _check(self, ctx: Context) -> None:
        for seg in ctx.in_scope(self):
            if self.metric == "words_per_sentence":
                for start, end in seg.sentences():
                    self._measure(ctx, seg, start, end, seg.word_count(start, end))
                continue
            start, end = seg.start, len(seg.text.rstrip())
            if self.metric == "sentences_per_paragraph":
                count = len(seg.sentences())
            elif self.metric == "characters":
                count = len(seg.text[start:end])
            else:
                count = seg.word_count(start, end)
            self._measure(ctx, seg, start, end, count)

    def _measure(self, ctx: Context, seg, start: int, end: int, count: int) -> None:
        index = self._broken(count)
        if index is None:
            return
        if index in self.once:
            pending = self._pending.setdefault(index, [(ctx, seg, start, end, count), 0])
            pending[1] += 1
            return
        self._report(ctx, seg, start, end, count, index, 1)

    def _report(self, ctx: Context, seg, start: int, end: int, count: int, index: int, total: int) -> None:
        _, limit, severity = self.limits[index]
        shown = seg.text[start:end]
        if len(shown) > 60:
            shown = shown[:57].rstrip() + " …"
        ctx.report(self, seg, start, end, severity=severity, protect=False, count=count, limit=limit, match=shown,
                   total=total, message=self.once.get(index))

