"""Errors the domain raises for bad input: one line naming the file, the entry and the field."""


class InputError(ValueError):
    """Bad input (a file, an entry, a field). The message is meant for the user as it is."""
