"""Helpers for backup tests: what a restored instance shows."""

import re

from tests.conftest import DEMO_PASSWORD


def official_page(application, official_id: int) -> list[str]:
    """The cells of an official's dossier page as the HR reviewer reads them."""
    client = application.test_client()
    response = client.post("/login/", data={"username": "hr_reviewer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/officialview/show/{official_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Tokens and times of this request differ between any two page loads.
    html = re.sub(r'name="csrf_token"[^>]*>', "", html)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells]
