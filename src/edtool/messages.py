"""Every message a writer or editor reads, in one place (German). Keys are stable identifiers.

An English set can follow as a second table selected by `EDTOOL_LANG`; code only calls `msg()`.
"""

from __future__ import annotations

DE: dict[str, str] = {
    # file
    "file.unreadable": "Datei lässt sich nicht lesen: {reason}",
    "file.binary": "Datei ist keine Textdatei (Binärdaten gefunden).",
    "file.encoding": "Datei ist nicht in UTF-8 gespeichert (ungültiges Byte {byte}). Bitte als UTF-8 speichern.",
    "file.front-matter-missing": "Front Matter fehlt: Die Datei muss mit einer Zeile „---“ beginnen, gefolgt von den Metadaten in YAML und einer weiteren Zeile „---“.",
    "file.front-matter-unterminated": "Front Matter ist nicht abgeschlossen: Die schließende Zeile „---“ fehlt.",
    "file.front-matter-not-mapping": "Front Matter muss aus Feldern der Form „schlüssel: wert“ bestehen.",
    "file.yaml": "Front Matter ist kein gültiges YAML: {problem}",
    "file.yaml-too-large": "Front Matter ist zu groß oder enthält verschachtelte Verweise (Anker/Aliasse); abgelehnt.",
    "file.not-found": "Datei oder Ordner nicht gefunden: {path}",
    "file.no-drafts": "Keine Markdown-Dateien (*.md) gefunden in: {path}",
    # metadata
    "metadata.required": "Pflichtfeld „{field}“ fehlt im Front Matter.",
    "metadata.type": "Feld „{field}“ hat den falschen Typ: erwartet {expected}, gefunden {found}.",
    "metadata.min-length": "Feld „{field}“ ist zu kurz: {actual} Zeichen, mindestens {limit}.",
    "metadata.max-length": "Feld „{field}“ ist zu lang: {actual} Zeichen, höchstens {limit}.",
    "metadata.min-items": "Feld „{field}“ braucht mindestens {limit} Einträge (gefunden: {actual}).",
    "metadata.max-items": "Feld „{field}“ darf höchstens {limit} Einträge haben (gefunden: {actual}).",
    "metadata.enum": "Feld „{field}“: „{value}“ ist nicht erlaubt. Erlaubt: {allowed}.",
    "metadata.pattern": "Feld „{field}“: „{value}“ hat nicht die erwartete Form. {hint}",
    "metadata.format": "Feld „{field}“: „{value}“ ist kein gültiges {format}. {hint}",
    "metadata.unique": "Feld „{field}“ enthält doppelte Einträge.",
    "metadata.invalid": "Feld „{field}“ ist ungültig: {detail}",
    "metadata.unknown-key": "Unbekanntes Feld „{field}“. Meinten Sie „{suggestion}“?",
    "metadata.unknown-key-plain": "Unbekanntes Feld „{field}“.",
    "metadata.type.string": "Text",
    "metadata.type.array": "Liste",
    "metadata.type.object": "Feldgruppe",
    "metadata.type.integer": "ganze Zahl",
    "metadata.type.number": "Zahl",
    "metadata.type.boolean": "ja/nein (true/false)",
    "metadata.type.null": "leer",
    "metadata.format.date": "Datum (JJJJ-MM-TT)",
    "metadata.format.date-time": "Datum mit Uhrzeit (JJJJ-MM-TTThh:mm)",
    "metadata.format.edtool-date": "Datum nach ISO 8601 (JJJJ-MM-TT oder JJJJ-MM-TTThh:mm)",
    # dateline
    "dateline.missing": "Ortsmarke fehlt: Der erste Absatz muss mit „ORT (AGENTUR) – “ beginnen, z. B. „{example}“.",
    "dateline.dash": "Nach der Agentur steht ein Gedankenstrich mit Leerzeichen davor und danach: „ – “ statt „{found}“.",
    "dateline.places-case": "Ortsnamen der Ortsmarke stehen in Großbuchstaben: „{expected}“ statt „{found}“.",
    "dateline.separator": "Mehrere Orte werden mit „ / “ getrennt: „{expected}“ statt „{found}“.",
    "dateline.agency": "Agentur „{found}“ steht nicht in der Liste der Redaktion ({allowed}).",
    "dateline.agency-missing": "Der Ortsmarke fehlt die Agentur in Klammern, z. B. „{example}“.",
    "dateline.mismatch": "Ortsmarke im Text („{body}“) passt nicht zum Feld „dateline“ im Front Matter („{front}“).",
    "dateline.no-text": "Nach der Ortsmarke fehlt der Text des Artikels.",
    # new
    "new.exists": "Entwurf existiert bereits: {path}. Mit --force überschreiben.",
    "new.no-author": "Kein Autor angegeben: Bitte --author NAME angeben oder „git config user.name“ setzen.",
    "new.empty-title": "Der Titel ist leer.",
    "new.bad-template": "Vorlage für neue Entwürfe ist fehlerhaft: {reason}",
    "new.created": "Entwurf angelegt: {path}",
    # styleguide / run
    "styleguide.not-found": "Keine styleguide.yaml gefunden (gesucht ab {start} aufwärts). Mit --styleguide PFAD oder EDTOOL_STYLEGUIDE angeben.",
    "styleguide.invalid": "{path}:{line}:{column}: styleguide.yaml ist fehlerhaft: {problem}",
    "cli.bad-category": "Unbekannte Kategorie „{name}“. Erlaubt: {allowed}.",
    "cli.interrupted": "Abgebrochen.",
    "cli.internal": "Interner Fehler: {error}. Mit --debug erneut ausführen, um Details zu sehen.",
    # report
    "report.summary": "{files} Datei(en) geprüft: {error} Fehler, {warning} Warnungen, {info} Hinweise.",
    "report.clean": "{files} Datei(en) geprüft: keine Befunde.",
    "report.suggestion": "Vorschlag",
    "severity.error": "Fehler",
    "severity.warning": "Warnung",
    "severity.info": "Hinweis",
    # grammar / LanguageTool (each failure says what to do; grammar then stays unchecked)
    "grammar.unchecked": "Grammatik und Rechtschreibung wurden nicht geprüft: {reason}",
    "grammar.no-java": "LanguageTool braucht Java {minimum} oder neuer (gefunden: {found}). Bitte Java {minimum}+ installieren oder EDTOOL_JAVA auf dessen „java“ setzen.",
    "grammar.no-maven": "Maven („mvn“) fehlt; es wird nur für „edtool server install“ gebraucht. Bitte Maven installieren und den Befehl wiederholen.",
    "grammar.install-failed": "LanguageTool ließ sich nicht installieren ({detail}). Bitte Netzverbindung zu Maven Central prüfen und „edtool server install“ wiederholen.",
    "grammar.not-installed": "LanguageTool {version} ist nicht installiert. Bitte einmal „edtool server install“ ausführen.",
    "grammar.start-failed": "Der LanguageTool-Server ließ sich nicht starten ({detail}). Protokoll: {log}. Bitte „edtool server stop“ und dann „edtool server start“ versuchen.",
    "grammar.crashed": "Der lokale LanguageTool-Server ist abgestürzt ({detail}). Beim nächsten Lauf startet edtool ihn neu; sonst „edtool server stop“ ausführen.",
    "grammar.timeout": "LanguageTool hat nicht innerhalb von {seconds} s geantwortet ({url}). Bitte „grammar.timeout“ in styleguide.yaml erhöhen oder den Server mit „edtool server stop“ neu starten lassen.",
    "grammar.remote-down": "Der LanguageTool-Server {url} antwortet nicht ({detail}). Bitte „grammar.server_url“ in styleguide.yaml bzw. EDTOOL_LANGUAGETOOL_URL prüfen oder den Eintrag entfernen, dann startet edtool einen lokalen Server.",
    "grammar.bad-response": "LanguageTool ({url}) hat unerwartet geantwortet: {detail}. Bitte „edtool server stop“ ausführen und erneut prüfen.",
    "grammar.bad-language": "Sprache „{language}“ wird nicht geprüft; erlaubt sind {allowed}. Bitte das Feld „language“ korrigieren.",
    "server.installed": "LanguageTool {version} ist installiert ({jars} Dateien in {path}).",
    "server.install-done": "LanguageTool {version} installiert in {path} ({jars} Dateien, {seconds} s).",
    "server.started": "LanguageTool {version} läuft: {url} (PID {pid}).",
    "server.already": "LanguageTool {version} läuft bereits: {url} (PID {pid}).",
    "server.stopped": "LanguageTool-Server (PID {pid}) beendet.",
    "server.not-running": "Kein lokaler LanguageTool-Server läuft.",
    "server.remote": "Es wird der gemeinsame LanguageTool-Server {url} benutzt; lokal wird nichts gestartet oder beendet.",
}


def msg(key: str, /, **values: object) -> str:
    template = DE[key]
    return template.format(**values) if values else template
