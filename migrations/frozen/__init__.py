"""Code the migrations run, frozen as it was when they were written.

A migration that imported live application code would change what it builds when
that code changes, and history would be rewritten. What a migration needs lives
here (or in the migration itself) and is never edited: a different trigger or
format is a new module and a new migration. Only migrations import these modules.
"""
