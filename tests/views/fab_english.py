"""The English defaults of FAB, WTForms/Werkzeug, select2 and the date picker that a page
shown to a Chinese reader must never contain (tests.views.test_fab_strings; the browser
journeys import ``FAB_ENGLISH`` too, to check what the scripts put on the page).

Each entry is matched as a whole phrase (word boundaries), so "In" does not match "Info".
"None" is not here: an empty value is checked by the show pages' own tests (views.base.readable).
"""

FAB_ENGLISH = [
    # FAB's list, search and form widgets (templates/appbuilder/general/…).
    "Add Filter", "Record Count", "Page size", "Order by", "No records found", "Search", "Refresh",
    "Actions", "Back", "Save", "List", "Detail", "Edit record", "Add a new record", "Show record",
    "Delete record", "User confirmation needed", "Are you sure", "Cancel", "OK", "Select Value",
    "Select a State", "Edit", "Delete", "Show", "Export", "Choose one or more", "Yes",
    # FAB's navigation bar and account pages.
    "Login", "Logout", "Profile", "Language", "User info",
    # FAB's filter operators (flask_appbuilder.models.sqla.filters).
    "Starts with", "Not Starts with", "Ends with", "Not Ends with", "Contains", "Not Contains",
    "Equal to", "Not Equal to", "Greater than", "Smaller than", "Relation as Many", "No Relation",
    "Relation", "Not In", "In",
    # FAB's messages and internals that leak into a page.
    "Invalid redirect", "__None", "Not a valid choice", "This field is required",
    "Added Row", "Changed Row", "Deleted Row", "Access is Denied",
    # select2's defaults (its English i18n) and the date picker's (bootstrap-datepicker "en").
    "No results found", "Searching…", "Loading more results…", "Please enter", "Please delete",
    "You can only select", "The results could not be loaded", "Remove all items",
    "Today", "Clear", "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday",
]


def visible_text(html: str) -> str:
    """What a reader sees of a page: text outside scripts, styles and comments, plus the
    attributes a browser shows (titles, placeholders, labels, button values)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style", "template"):
                self.hidden += 1
            attrs = dict(attrs)
            shown = ["title", "placeholder", "aria-label", "alt", "data-placeholder"]
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
                shown.append("value")
            self.parts += [attrs[a] for a in shown if attrs.get(a)]

        def handle_endtag(self, tag):
            if tag in ("script", "style", "template") and self.hidden:
                self.hidden -= 1

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    reader = Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


def english_in(text: str) -> list[str]:
    """The entries of FAB_ENGLISH found in ``text``, each as a whole phrase."""
    import re

    return [phrase for phrase in FAB_ENGLISH
            if re.search(r"(?<![A-Za-z_])" + re.escape(phrase) + r"(?![A-Za-z_])", text)]
