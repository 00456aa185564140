"""The steps every browser journey takes: sign in, pick a select2 option, type a date."""

from contextlib import contextmanager

from tests.apps import DEMO_PASSWORD


def choose(page, select_id, value):
    """Pick an option of a select2-enhanced select, as the widget itself does."""
    page.wait_for_selector(f"select#{select_id}", state="attached")
    page.eval_on_selector(
        f"select#{select_id}",
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }",
        value,
    )


def type_date(page, input_id, day):
    """Type a date as a person does: the date picker only learns typed keys."""
    page.locator(f"#{input_id}").press_sequentially(day.isoformat())
    page.keyboard.press("Escape")


@contextmanager
def script_held(page, name):
    """Hold the page's script ``name`` back until the block ends: a person on a slow network
    types into the form before its scripts are ready. (Routing also turns the browser's
    cache off, so the script is asked for each time.)"""
    held = []

    def hold(route):
        held.append(route)

    pattern = f"**/{name}"
    page.route(pattern, hold)
    try:
        yield
    finally:
        for route in held:
            route.continue_()
        page.unroute(pattern, hold)


# The page's own form, not the sign-out button of the user menu (also a form).
SAVE = "form:not(.navbar-logout) [type=submit]"


def sign_in(page, live_server, username):
    # Signing out is a form in the user menu; a fresh sign-in starts from no session at all.
    page.context.clear_cookies()
    page.goto(f"{live_server}/login/")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server}/")




def sign_in_with_second_factor(page, live_server, app, username):
    """Sign in as any role: the three officers also type their authenticator's code,
    enrolling it first, as a person does, the first time the run signs them in."""
    import pyotp

    from tests.apps import SECOND_FACTORS, _fresh_code_step

    key = (app.config["SQLALCHEMY_DATABASE_URI"], username)
    page.context.clear_cookies()
    page.goto(f"{live_server}/login/")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("[type=submit]")
    page.wait_for_load_state("load")
    if "/account/security" in page.url:
        secret = page.inner_text("#totp-secret").strip()
        page.fill("form[action$='/security/enrol'] #code", pyotp.TOTP(secret).now())
        page.click("form[action$='/security/enrol'] [type=submit]")
        page.wait_for_selector("#totp-secret", state="detached")
        SECOND_FACTORS[key] = secret
        _fresh_code_step(app, username)
        page.goto(f"{live_server}/")
    elif "/account/verify" in page.url:
        _fresh_code_step(app, username)
        page.fill("#code", pyotp.TOTP(SECOND_FACTORS[key]).now())
        page.click("#totp-form [type=submit]")
    page.wait_for_url(f"{live_server}/")
