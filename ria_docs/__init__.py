"""ria-docs: merge regional network returns into the RIA plan and the regional update."""

__version__ = "0.1.0"
