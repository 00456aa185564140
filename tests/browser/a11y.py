"""What every page a journey visits must be: accessible (GB/T 37668-2019, WCAG 2.1 AA, by
axe-core's rules), wholly in the user's language, and never showing Python's None.

axe-core comes from the npm registry (bin/test installs it into tests/browser/node_modules)
and is injected from disk: the page under test never fetches it."""

import json
import re
from pathlib import Path

from tests.views.fab_english import FAB_ENGLISH

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# A whole English word or phrase: "Show" in a Chinese page, not "show" inside a username.
ENGLISH = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(s) for s in sorted(FAB_ENGLISH, key=len, reverse=True))
                     + r")(?![A-Za-z])")
NONE = re.compile(r"(?<![A-Za-z_])(__None|None)(?![A-Za-z])")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, each with its nodes."""
    assert AXE.exists(), f"axe-core is missing at {AXE}: bin/test installs it (npm install axe-core@4)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def shown_values(page) -> list[str]:
    """The values a person sees in the page's fields (typed-in text, the chosen options)."""
    return page.eval_on_selector_all(
        "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select",
        "els => els.map(e => e.tagName === 'SELECT' ? (e.selectedOptions[0] ? e.selectedOptions[0].text : '') : e.value)")


def check_page(page) -> None:
    """Fail, naming every problem, if the page has an accessibility violation, shows one of
    FAB's English strings or shows None."""
    problems = []
    for violation in axe_violations(page):
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {violation['nodes']}")
    text = page.inner_text("body")
    problems += [f"English FAB string shown: {word!r}" for word in sorted(set(ENGLISH.findall(text)))]
    problems += [f"{word!r} shown in the text" for word in sorted(set(NONE.findall(text)))]
    problems += [f"{value!r} shown as a field's value" for value in shown_values(page) if NONE.search(value)]
    assert not problems, f"{page.url}:\n  " + "\n  ".join(problems)


def report(page) -> str:
    """The page's violations as one JSON line (for the before/after lists)."""
    return json.dumps({"url": page.url, "violations": axe_violations(page)}, ensure_ascii=False)
