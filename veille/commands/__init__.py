"""The ``veille`` subcommands; click speaks French before any of them is defined."""

from veille import click_fr

click_fr.install()
