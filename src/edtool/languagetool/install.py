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
from edtool.notices import progress

MARKER = "installed.json"
LAUNCHER = "languagetool-server.jar"  # manifest-only jar: lets `java -cp` and language-tool-python find all jars
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')
PROGRESS_KEY = "server-install"
# Maven's transfer lines (batch mode): "Downloaded from central: https://…/x.jar (93 MB at 12 MB/s)"
_DOWNLOADING = re.compile(r"Downloading from [^:]+: (\S+)")
_DOWNLOADED = re.compile(r"Downloaded from [^:]+: (\S+) \(([\d.,]+) (B|kB|KB|MB|GB)")
_UNITS = {"B": 1, "kB": 1000, "KB": 1000, "MB": 1000**2, "GB": 1000**3}
# Measured for LanguageTool 6.8 on an empty Maven repository: what `server install` fetches, and lib/.
EXPECTED_DOWNLOAD_BYTES = {"6.8": 277_000_000}
EXPECTED_LIB_BYTES = {"6.8": 263_000_000}
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
    main_class = b"\r\nMain-Class: org.languagetool.server.HTTPServer\r\n\r\n"
    manifest = b"Manifest-Version: 1.0\r\n" + b"\r\n".join(lines) + main_class
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
        command = [mvn, "-B", "-f", str(pom), "dependency:copy-dependencies",
                   f"-DoutputDirectory={partial}", "-DincludeScope=runtime"]
        if log:
            log(" ".join(command))
        env = dict(os.environ, JAVA_HOME=str(Path(java.path).resolve().parent.parent))
        returncode, tail, fetched = _run_maven(command, env, partial, version)
        if returncode != 0 or not any(partial.glob("languagetool-server-*.jar")):
            raise LanguageToolError(msg("grammar.install-failed", detail=" | ".join(tail) or f"mvn exit {returncode}"),
                                    "install-failed")
        write_launcher(partial)
        final = lib_dir(version)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        shutil.rmtree(target / "target", ignore_errors=True)
        on_disk = _folder_bytes(final)
        progress(PROGRESS_KEY, msg("server.install-progress-done" if fetched.files else "server.install-progress-local",
                                   version=version, files=fetched.files,
                                   fetched=_mb(fetched.bytes), disk=_mb(on_disk),
                                   seconds=f"{time.monotonic() - started:.0f}"), done=True)
        marker = {
            "download_bytes": fetched.bytes,
            "lib_bytes": on_disk,
            "version": version,
            "java": java.path,
            "java_major": java.major,
            "jars": sum(1 for _ in final.glob("*.jar")),
            "seconds": round(time.monotonic() - started, 1),
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (target / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        return dict(marker, changed=True)


@dataclass
class Fetched:
    files: int = 0
    bytes: int = 0
    current: str = ""


def _mb(count: int) -> str:
    return f"{count / 1_000_000:.0f}"


def _folder_bytes(folder: Path) -> int:
    total = 0
    try:
        for entry in os.scandir(folder):
            try:
                total += entry.stat().st_size
            except OSError:
                pass
    except OSError:
        pass
    return total


def read_transfer(line: str, fetched: Fetched) -> bool:
    """Account one line of Maven's output; True when it was a transfer line."""
    done = _DOWNLOADED.search(line)
    if done:
        number = float(done.group(2).replace(",", ""))
        fetched.files += 1
        fetched.bytes += int(number * _UNITS[done.group(3)])
        fetched.current = done.group(1).rsplit("/", 1)[-1]
        return True
    begun = _DOWNLOADING.search(line)
    if begun:
        fetched.current = begun.group(1).rsplit("/", 1)[-1]
        return True
    return False


def progress_text(fetched: Fetched, partial: Path, version: str, seconds: float) -> str:
    """The live line of an install: copying once jars arrive in `partial`, else what Maven fetches."""
    expected_download = EXPECTED_DOWNLOAD_BYTES.get(version)
    expected_lib = EXPECTED_LIB_BYTES.get(version)
    shown = f"{seconds:.0f}"
    copied = _folder_bytes(partial)
    if copied:
        return msg("server.install-progress-copy", copied=_mb(copied), seconds=shown,
                   of=f" von etwa {_mb(expected_lib)}" if expected_lib else "")
    if fetched.files or fetched.current:
        return msg("server.install-progress-fetch", files=fetched.files, fetched=_mb(fetched.bytes),
                   of=f" von etwa {_mb(expected_download)}" if expected_download else "",
                   current=fetched.current, seconds=shown)
    return msg("server.install-progress-maven", seconds=shown)


def _run_maven(command: list[str], env: dict, partial: Path, version: str) -> tuple[int, list[str], Fetched]:
    """Run Maven, reporting what it fetches and copies as progress; (exit status, last lines, fetched)."""
    import threading

    fetched = Fetched()
    lines: list[str] = []
    began = time.monotonic()

    def report() -> None:
        progress(PROGRESS_KEY, progress_text(fetched, partial, version, time.monotonic() - began))

    try:
        maven = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, errors="replace", env=env)
    except OSError as exc:
        raise LanguageToolError(msg("grammar.install-failed", detail=str(exc)), "install-failed") from None
    stop = threading.Event()

    def tick() -> None:  # also while Maven is silent (copying large jars)
        while not stop.wait(0.5):
            report()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        for line in maven.stdout:
            read_transfer(line, fetched)
            line = line.rstrip()
            if line:
                lines.append(line)
                del lines[:-8]
        maven.wait(timeout=1800)
    except BaseException:
        maven.kill()
        maven.wait()
        stop.set()
        ticker.join()
        progress(PROGRESS_KEY, msg("server.install-aborted"), done=True)
        raise
    finally:
        stop.set()
        ticker.join()
    useful = [line for line in lines if "ERROR" in line] or lines
    return maven.returncode, useful[-8:], fetched
