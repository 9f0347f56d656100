"""Entry point: registers the commands and turns any unexpected error into exit 3."""

from __future__ import annotations

import sys

from .app import EXIT_INTERNAL, app, say
from .commands import validate  # noqa: F401  (registers the command)
from .commands import metrics  # noqa: F401
from .commands import review_packet  # noqa: F401
from .commands import gap  # noqa: F401
from .commands import export, importer  # noqa: F401
from .commands import schema  # noqa: F401
from .commands import init  # noqa: F401
from .commands import diff  # noqa: F401


def main() -> None:
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        say("skillcycle: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the promise: never a traceback
        say(
            f"skillcycle: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
