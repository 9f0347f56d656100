"""`python -m skillcycle.cli`: the same as the `skillcycle` command."""

from . import main

main()
