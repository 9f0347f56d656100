"""`skillcycle watch`: journal the repo's changes so that other commands skip walking it."""

from __future__ import annotations

import signal

from .common import RepoOption, app, fail, locate_repo, say


@app.command("watch")
def watch_command(repo: RepoOption = None) -> None:
    """Watch the repo (Linux) so that other commands list only what changed, not every file.

    While it runs, commands in this repo ask it which folders changed since their last
    run instead of stat-ing every file (seconds at 100k people). Stop it with Ctrl-C."""
    from ..fast.watch import WatchError, watch

    root = locate_repo(repo)

    def ready(folders: int) -> None:
        say(f"watching {root.name} ({folders} folders); stop with Ctrl-C", err=True)

    # `kill` stops it as Ctrl-C does: its journal and session are removed, not left behind.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        watch(root, ready)
    except WatchError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise fail(f"cannot watch {root}: {exc.strerror or exc}") from None
    say(f"stopped watching {root.name}", err=True)
