"""The command-line interface. Never imports ``ui``."""
