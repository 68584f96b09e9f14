"""A static site generator for sourced timelines of news events."""

__version__ = "0.1.0"
