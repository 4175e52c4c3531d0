"""Shared set-up for the workflow, publish and hook tests: a desk (drafts repository), a content
repository and a bare remote, all real git in tmp_path, with identities set here and nowhere else."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
SETUP_ENV = {
    "GIT_AUTHOR_NAME": "Test Setup", "GIT_AUTHOR_EMAIL": "setup@example.org",
    "GIT_COMMITTER_NAME": "Test Setup", "GIT_COMMITTER_EMAIL": "setup@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}
KEEP_SECTIONS = ("version", "language", "metadata", "dateline", "new", "authors", "publish")

BODY = (
    "AUGSBURG (IT BOLTWISE) – Der Augsburger Roboterhersteller Kuka hat einen Schweißroboter vorgestellt, "
    "der neue Nähte durch Vorführen lernt. Ein Schweißer führt den Arm dabei einmal von Hand entlang der Naht.\n"
    "\n"
    "Die ersten Anlagen sollen im Frühjahr ausgeliefert werden. Interessierte Betriebe können das System vorab "
    "in einem Anwendungszentrum testen.\n"
)
TEASER = ("Der Augsburger Hersteller will Schweißroboter auch für Handwerksbetriebe erschwinglich machen. "
          "Programmiert wird per Vorführung statt per Code.")


def draft_text(title: str = "Kuka stellt lernfähigen Schweißroboter vor", slug: str = "kuka-schweissroboter",
               author: str = "Jonas Weber", status: str = "draft", date: str = "2025-08-12", extra: str = "",
               body: str = BODY) -> str:
    return (
        "---\n"
        f"title: {title}\n"
        f"slug: {slug}\n"
        f"author: {author}\n"
        f"date: {date}\n"
        "dateline: AUGSBURG\n"
        "category: Robotik\n"
        "tags: [Kuka, Industrieroboter]\n"
        f"teaser: {TEASER}\n"
        f"status: {status}\n"
        "language: de-DE\n"
        f"{extra}"
        "---\n"
        "\n"
        f"{body}"
    )


def git(*args: str, cwd: Path, check: bool = True, env: dict | None = None, input_: str | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=input_,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def edtool_command() -> list[str]:
    """The installed console script next to this Python (falls back to -m)."""
    script = Path(sys.executable).parent / "edtool"
    if script.exists():
        return [str(script)]
    found = shutil.which("edtool")
    return [found] if found else [sys.executable, "-m", "edtool"]


@dataclass
class Newsroom:
    root: Path
    desk: Path
    content: Path
    remote: Path

    @property
    def drafts(self) -> Path:
        return self.desk / "drafts"

    def write_draft(self, name: str = "kuka.md", **fields) -> Path:
        path = self.drafts / name
        path.write_text(draft_text(**fields), encoding="utf-8")
        return path

    def approved_draft(self, name: str = "kuka.md", **fields) -> Path:
        """A draft approved earlier: approver, time, and the digest of the text as approved."""
        from edtool.draft import Draft
        from edtool.workflow import approval_digest

        fields.setdefault("extra", "approved_by: Katrin Vogel\napproved_at: 2025-08-12T09:00:00+02:00\n")
        text = draft_text(status="approved", **fields)
        fields["extra"] += f"approved_digest: {approval_digest(Draft.from_text(text))}\n"
        return self.write_draft(name, status="approved", **fields)

    def styleguide(self, **sections) -> None:
        path = self.desk / "styleguide.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(sections)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def edtool(self, *args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """The real console script, in a subprocess."""
        return subprocess.run([*edtool_command(), *args], cwd=cwd or self.desk, capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=180)

    def cli(self, *args: str):
        """In-process through typer's CliRunner."""
        from typer.testing import CliRunner

        from edtool.cli.main import app

        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """In-process like `cli`, with the subprocess result's shape (returncode, stdout, stderr)."""
        from typer.testing import CliRunner

        from edtool.cli.main import app

        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)

    def publish(self, *args: str, env: dict | None = None, real: bool = False) -> subprocess.CompletedProcess:
        """In-process; the real console script when asked."""
        args = ("publish", *args, "--content-repo", str(self.content))
        return self.edtool(*args, env=env) if real else self.run(*args, env=env)

    def driver(self, *drafts: Path, crash_after: str = "-", pause_after_write: float = 0.0,
               editor: str = "Katrin Vogel", withdraw: str | None = None) -> list[str]:
        """The command line of a real process that publishes (or withdraws) through the library with a crash point."""
        return [sys.executable, str(Path(__file__).with_name("publish_driver.py")), "--crash-after", crash_after,
                "--pause-after-write", str(pause_after_write),
                *(["--withdraw", withdraw] if withdraw is not None else []), str(self.desk / "styleguide.yaml"),
                str(self.content), editor, *map(str, drafts)]

    def crash_publish(self, draft: Path, step: str, withdraw: str | None = None) -> subprocess.CompletedProcess:
        """Publish (or withdraw) in a real process that ends (exit 86) right after the transaction step `step`."""
        return subprocess.run(self.driver(draft, crash_after=step, withdraw=withdraw), cwd=self.desk,
                              capture_output=True, text=True, timeout=180)

    def content_log(self) -> list[str]:
        return git("log", "--format=%s", cwd=self.content).splitlines()

    def content_head(self) -> str:
        return git("rev-parse", "HEAD", cwd=self.content)


_TEMPLATE: list[Path] = []


def _template() -> Path:
    """Desk, bare remote and content clone, built once per test session and copied for each test."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="edtool-newsroom-"))
        atexit.register(shutil.rmtree, base, True)
        env = {**SETUP_ENV, "HOME": str(base)}
        desk = base / "desk"
        (desk / "drafts").mkdir(parents=True)
        shipped = yaml.safe_load((PROJECT / "styleguide.yaml").read_text(encoding="utf-8"))
        guide = {key: shipped[key] for key in KEEP_SECTIONS if key in shipped}  # no style rules: stable tests
        (desk / "styleguide.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")
        git("init", "-q", "-b", "main", cwd=desk, env=env)
        remote, content = base / "remote.git", base / "content"
        git("init", "-q", "--bare", "-b", "main", str(remote), cwd=base, env=env)
        git("clone", "-q", str(remote), str(content), cwd=base, env=env)
        git("checkout", "-q", "-b", "main", cwd=content, check=False, env=env)
        (content / "README.md").write_text("Published articles.\n", encoding="utf-8")
        git("add", "README.md", cwd=content, env=env)
        git("commit", "-q", "-m", "Start", cwd=content, env=env)
        git("push", "-q", "-u", "origin", "main", cwd=content, env=env)
        _TEMPLATE.append(base)
    return _TEMPLATE[0]


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key, value in SETUP_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("EDTOOL_CONTENT_REPO", "EDTOOL_STYLEGUIDE", "EDTOOL_EDITOR", "EDTOOL_LOCK_TIMEOUT", "PRE_COMMIT"):
        monkeypatch.delenv(key, raising=False)

    template = _template()
    for name in ("desk", "remote.git", "content"):
        shutil.copytree(template / name, tmp_path / name, symlinks=True)
    desk, remote, content = tmp_path / "desk", tmp_path / "remote.git", tmp_path / "content"
    git("remote", "set-url", "origin", str(remote), cwd=content)
    monkeypatch.chdir(desk)
    return Newsroom(tmp_path, desk, content, remote)
