"""The one kind of refusal a rule raises: a code naming the rule, a message for the user.

A primitive of ``security``: it imports nothing of ``models``, so the rules of both
packages (the workflow, the attachment store, approvals, consultation) raise it and
the screens show its message as it is, already in the reader's language.
"""


class Refusal(Exception):
    """A move the rules refuse: ``code`` names the rule, ``message`` says why to the user."""

    def __init__(self, code: str, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
