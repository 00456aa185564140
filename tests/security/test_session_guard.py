"""The session cookie belongs to the app's pages, not to assets fetched beside them."""


def test_assets_and_unknown_addresses_never_rewrite_the_session_cookie(client, login_as):
    signed_in = login_as("clerk")
    for url in ("/favicon.ico", "/static/appbuilder/css/ab.css", "/no-such-page"):
        response = signed_in.get(url)
        assert response.status_code in (200, 404), url
        assert "Set-Cookie" not in response.headers, url
    page = signed_in.get("/")
    assert page.status_code == 200 and "session=" in page.headers.get("Set-Cookie", "")
