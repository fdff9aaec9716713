"""Dialogs built in code: each `ask_*` function runs one and returns what the
user chose (or None), and the caller makes the edit through `Operations`."""
