"""The `perfdesk` command line: one module per command group, all calling the
same services as the window. `app` builds the parser and runs a command."""

from perfdesk.cli.app import READ_ONLY_COMMANDS, build_parser, main

__all__ = ["READ_ONLY_COMMANDS", "build_parser", "main"]
