"""skillcycle: an organisation's skill matrix as YAML in git, turned into decisions."""

__version__ = "0.1.0"
