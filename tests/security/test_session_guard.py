"""The session cookie belongs to the app's pages, not to assets fetched beside them."""


def test_assets_and_unknown_addresses_never_rewrite_the_session_cookie(client, login_as):
    signed_in = login_as("clerk")
    for url in ("/favicon.ico", "/static/appbuilder/css/ab.css", "/no-such-page"):
        response = signed_in.get(url)
        assert response.status_code in (200, 404), url
        assert "Set-Cookie" not in response.headers, url
    page = signed_in.get("/")
    assert page.status_code == 200 and "session=" in page.headers.get("Set-Cookie", "")


def test_a_signed_in_browser_keeps_the_static_files_but_never_a_page(login_as):
    """FAB's and the app's own static files are cached (a page needs a score of them, and a
    browser that fetched each anew on every page would double the load); pages are not."""
    signed_in = login_as("clerk")
    for url in ("/static/appbuilder/css/ab.css", "/static/dossier/a11y.css"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        cache = response.cache_control
        assert cache.public and cache.max_age >= 3600 and not cache.no_store, (url, response.headers)
        again = signed_in.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
    page = signed_in.get("/officialview/list/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
