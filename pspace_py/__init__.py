"""pspace-py: a command-line client for Paperspace machines, with a local sandbox API."""

__version__ = "0.1.0"
