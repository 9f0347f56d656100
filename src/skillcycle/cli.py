"""Entry point: registers the commands and turns any unexpected error into exit 3."""

from __future__ import annotations

import sys

from .app import EXIT_INTERNAL, app, say
# Registration order is the order of `skillcycle --help`: the main jobs first.
from .commands import validate, gap, review_packet, metrics, diff, init, schema, export, importer, watch  # noqa: F401,E402,I001


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
