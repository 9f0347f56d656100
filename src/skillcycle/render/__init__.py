"""Output formatting: pure functions from computed results to text."""
