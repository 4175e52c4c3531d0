"""Run one `edtool publish` through the library in a real process, with a crash point or a pause:

    python publish_driver.py --crash-after STEP|- --pause-after-write SECONDS [--withdraw REASON] STYLEGUIDE CONTENT EDITOR DRAFT...

With --withdraw the draft is withdrawn instead of published. STEP is a transaction step (write, git-commit, commit, draft); the process ends there at once with exit 86,
as a kill would end it. Notices go to stdout/stderr like the CLI's."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--crash-after", default="-")
    parser.add_argument("--pause-after-write", type=float, default=0.0)
    parser.add_argument("--withdraw", default=None, metavar="REASON")
    parser.add_argument("styleguide")
    parser.add_argument("content")
    parser.add_argument("editor")
    parser.add_argument("drafts", nargs="+")
    args = parser.parse_args()

    from edtool.publish import Publisher
    from edtool.styleguide import StyleGuide

    def on_step(step: str) -> None:
        if step == args.crash_after:
            sys.stdout.flush()
            os._exit(86)
        if step == "write" and args.pause_after_write:
            time.sleep(args.pause_after_write)

    def say(level: str, text: str) -> None:
        print(text, file=sys.stderr if level == "warning" else sys.stdout, flush=True)

    with Publisher(StyleGuide.load(args.styleguide), args.content, args.editor, notify=say,
                   on_step=on_step) as publisher:
        if args.withdraw is not None:
            return publisher.withdraw(Path(args.drafts[0]), args.editor, args.withdraw)
        return publisher.publish([Path(p) for p in args.drafts])


if __name__ == "__main__":
    sys.exit(main())
