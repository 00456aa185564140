"""Supervision and inspection (§10): the periodic inspection report, its signature,
printouts and rectification items."""
