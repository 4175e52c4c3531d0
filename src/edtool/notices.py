"""Progress notices from the library, such as a server start that takes half a minute.

The core never prints: it calls `notify` (a line worth reading) or `progress` (the current state of a
longer step, repeated as it advances; `done=True` for its last word), and the command line decides
where they go (cli/progress.py: a live line on a terminal, plain lines now and then elsewhere).
Without a progress listener, progress updates are dropped and only the final word of a step reaches
the plain listeners.
"""

from __future__ import annotations

from typing import Callable

_listeners: list[Callable[[str], None]] = []
_progress_listeners: list[Callable[[str, str, bool], None]] = []


def listen(listener: Callable[[str], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def listen_progress(listener: Callable[[str, str, bool], None]) -> None:
    """listener(key, text, done): `key` names the step (one live line per step)."""
    if listener not in _progress_listeners:
        _progress_listeners.append(listener)


def forget(listener) -> None:
    for registry in (_listeners, _progress_listeners):
        if listener in registry:
            registry.remove(listener)


def notify(text: str) -> None:
    for listener in _listeners:
        listener(text)


def progress(key: str, text: str, done: bool = False) -> None:
    if _progress_listeners:
        for listener in _progress_listeners:
            listener(key, text, done)
    elif done:
        notify(text)
