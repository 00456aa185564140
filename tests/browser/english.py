"""The English default strings of FAB's widgets, which a Chinese page must never show.

The list is kept with the view tests (``tests.views.fab_english``); until that module is
on this branch, the most visible of those strings stand in for it."""

try:
    from tests.views.fab_english import FAB_ENGLISH
except ImportError:  # the view tests' list not merged yet
    FAB_ENGLISH = (
        "Add Filter", "Record Count", "No records found", "Actions", "Search", "Refresh",
        "Add a new record", "Show record", "Edit record", "Delete record", "Save", "Back",
        "Are you sure you want to delete this item?", "Choose one or more", "Select Value",
        "Page size", "List", "Edit", "Delete", "Show", "Export", "Clear", "Login", "Logout",
        "Profile", "Language", "User info", "Yes", "Cancel",
    )
