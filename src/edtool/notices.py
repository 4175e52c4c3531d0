"""Progress notices from the library, such as a server start that takes half a minute.

The core never prints: it calls `notify`, and the command line decides where notices go (stderr).
"""

from __future__ import annotations

from typing import Callable

_listeners: list[Callable[[str], None]] = []


def listen(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def notify(text: str) -> None:
    for listener in _listeners:
        listener(text)
