"""One module per CLI command; each registers itself on skillcycle.app.app."""
