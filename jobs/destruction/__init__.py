"""Destruction (§9.2): executing an approved list, and what is left of an execution.

``execute`` (``jobs.destruction.execute``) removes the rows in one transaction and then
shreds keys and removes files, each step recorded; ``remaining`` names the steps left.
The command-line group ``destruction`` lives in ``jobs.destruction.commands``, where
the register's commands join it.
"""

from .execute import DestructionRefused, execute, remaining

__all__ = ["DestructionRefused", "execute", "remaining"]
