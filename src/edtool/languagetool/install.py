"""`edtool server install`: resolve the pinned LanguageTool from Maven into edtool's cache folder.

The shipped pom.xml only lists org.languagetool:languagetool-server and language-de at one
version; `mvn dependency:copy-dependencies` copies them and everything they need into
<cache>/languagetool-<version>/lib. A marker file (installed.json) makes a second run a no-op.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from edtool.languagetool import JAVA_ENV, MIN_JAVA, POM, LanguageToolError, install_dir, lib_dir, pinned_version
from edtool.messages import msg

MARKER = "installed.json"
LAUNCHER = "languagetool-server.jar"  # manifest-only jar: lets `java -cp` and language-tool-python find all jars
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')
JVM_ROOTS = ("/usr/lib/jvm", "/usr/java", "/Library/Java/JavaVirtualMachines")


@dataclass(frozen=True)
class Java:
    path: str
    major: int


def java_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = _VERSION.search(out.stderr + out.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def _candidates() -> list[str]:
    found: list[str] = []
    explicit = os.environ.get(JAVA_ENV)
    if explicit:
        return [explicit]
    home = os.environ.get("JAVA_HOME")
    if home:
        found.append(str(Path(home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    for root in JVM_ROOTS:  # every installed JDK, not only the default one
        found.extend(sorted(glob.glob(f"{root}/*/bin/java")) + sorted(glob.glob(f"{root}/*/Contents/Home/bin/java")))
    unique = []
    for path in found:
        if path not in unique and os.access(path, os.X_OK):
            unique.append(path)
    return unique


def find_java() -> Java:
    """The first Java >= 17: EDTOOL_JAVA, JAVA_HOME, `java` on PATH, then installed JDKs."""
    seen = []
    for path in _candidates():
        major = java_major(path)
        if major is None:
            continue
        if major >= MIN_JAVA:
            return Java(path, major)
        seen.append(f"{path} (Java {major})")
    raise LanguageToolError(msg("grammar.no-java", minimum=MIN_JAVA, found=", ".join(seen) or "keins"), "no-java")


def installed_marker(version: str | None = None) -> dict | None:
    marker = install_dir(version) / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != (version or pinned_version()) or not (lib_dir(version) / LAUNCHER).is_file():
        return None
    return data


def is_installed(version: str | None = None) -> bool:
    return installed_marker(version) is not None


def write_launcher(lib: Path) -> None:
    """A jar holding only a manifest whose Class-Path lists every jar in `lib`."""
    jars = sorted(p.name for p in lib.glob("*.jar") if p.name != LAUNCHER)
    header = "Class-Path: " + " ".join(jars)
    raw = header.encode("utf-8")
    lines, chunk = [], 72
    lines.append(raw[:chunk])
    raw = raw[chunk:]
    while raw:
        lines.append(b" " + raw[: chunk - 1])
        raw = raw[chunk - 1 :]
    manifest = b"Manifest-Version: 1.0\r\n" + b"\r\n".join(lines) + b"\r\nMain-Class: org.languagetool.server.HTTPServer\r\n\r\n"
    tmp = lib / (LAUNCHER + ".tmp")
    with zipfile.ZipFile(tmp, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", manifest)
    os.replace(tmp, lib / LAUNCHER)


def install(force: bool = False, log=None) -> dict:
    """Install the pinned LanguageTool once; returns the marker. Raises LanguageToolError."""
    from filelock import FileLock

    version = pinned_version()
    target = install_dir(version)
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / "install.lock")):
        marker = installed_marker(version)
        if marker and not force:
            return dict(marker, changed=False)
        java = find_java()
        mvn = shutil.which("mvn")
        if not mvn:
            raise LanguageToolError(msg("grammar.no-maven"), "no-maven")
        target.mkdir(parents=True, exist_ok=True)
        pom = target / "pom.xml"
        shutil.copyfile(POM, pom)
        partial = target / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        started = time.monotonic()
        command = [mvn, "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
                   f"-DoutputDirectory={partial}", "-DincludeScope=runtime"]
        if log:
            log(" ".join(command))
        env = dict(os.environ, JAVA_HOME=str(Path(java.path).resolve().parent.parent))
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
        except (OSError, subprocess.SubprocessError) as exc:
            raise LanguageToolError(msg("grammar.install-failed", detail=str(exc)), "install-failed") from None
        if done.returncode != 0 or not any(partial.glob("languagetool-server-*.jar")):
            tail = (done.stdout + done.stderr).strip().splitlines()[-8:]
            raise LanguageToolError(msg("grammar.install-failed", detail=" | ".join(tail) or f"mvn exit {done.returncode}"),
                                    "install-failed")
        write_launcher(partial)
        final = lib_dir(version)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        shutil.rmtree(target / "target", ignore_errors=True)
        marker = {
            "version": version,
            "java": java.path,
            "java_major": java.major,
            "jars": sum(1 for _ in final.glob("*.jar")),
            "seconds": round(time.monotonic() - started, 1),
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (target / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        return dict(marker, changed=True)
