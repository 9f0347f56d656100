"""Entry point: registers the commands and turns any unexpected error into exit 3."""

from __future__ import annotations

import errno
import os
import signal
import sys

from .common import EXIT_INTERNAL, EXIT_USAGE, app, say
# Registration order is the order of `skillcycle --help`: the main jobs first.
from . import validate, gap, review_packet, metrics, team, mobility, calibration, learning, diff, init, schema, export, importer, watch  # noqa: F401,E402,I001


def main() -> None:
    from ..fast.cachefiles import NOTICE

    NOTICE.append(lambda message: say(f"skillcycle: {message}", err=True))
    if hasattr(signal, "SIGPIPE"):  # a reader that stops reading (`| head`) ends us quietly, as it ends cat
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        say("skillcycle: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:
        if exc.filename is not None or exc.errno not in _OUTPUT_ERRORS:
            _internal(exc)
        _drop_stdout()
        say(f"skillcycle: cannot write the output: {exc.strerror}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # the promise: never a traceback
        _internal(exc)


# Writing to standard output fails with these when it is a full disk, a closed pipe, ...
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


def _internal(exc: BaseException) -> None:
    say(f"skillcycle: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran", err=True)
    sys.exit(EXIT_INTERNAL)


def _drop_stdout() -> None:
    """Point standard output at /dev/null: Python flushes it again on exit, and would fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
