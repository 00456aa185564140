"""Screenshots of the daily screens for the README: ``python -m tests.browser.screenshots``.

Builds a throw-away instance with the demonstration data and scenario (``flask dossier
seed`` and ``flask dossier demo``, as bin/demo does), serves it on 127.0.0.1, signs in as
each role in headless Chromium at 1280 px and writes docs/screenshots/workbench-<role>.png,
official-page.png and permission-matrix.png. A page that does not open fails the run.
"""

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

from tests.apps import DEMO_PASSWORD, ROLE_KEYS

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1280

# (file name, role signed in, page): the pages beside each role's workbench.
PAGES = (
    ("official-page.png", "archivist", "/officialview/show/{official}"),
    ("permission-matrix.png", "secadmin", "/permissionmatrix/"),
)


def build_app(directory: Path, officials: int, clamd_socket: str):
    os.environ["DOSSIER_INSTANCE_DIR"] = str(directory / "instance")
    from tests.apps import make_app

    app = make_app(f"sqlite:///{directory / 'demo.db'}", WTF_CSRF_ENABLED=True, CLAMD_SOCKET=clamd_socket,
                   DOSSIER_AUDIT_KEY_FILE=str(directory / "audit.key"),
                   DOSSIER_AUDIT_SIGNING_KEY_FILE=str(directory / "audit-signing.key"),
                   DOSSIER_AUDIT_CHECKPOINT_FILE=str(directory / "audit-checkpoints.log"))
    with app.app_context():
        from jobs.demo import populate
        from jobs.seed import seed
        from jobs.setup import initialise

        initialise()
        seed(officials, DEMO_PASSWORD)
        # Work in every role's queues, so each workbench shows what it counts.
        populate()
    return app


def demo_official(app) -> int:
    """The official whose page is shown: the `official` account's own, a full demo dossier."""
    from sqlalchemy import select

    from models import Official
    from models.db import db

    with app.app_context():
        account = app.appbuilder.sm.find_user(username="official")
        chosen = db.session.scalar(select(Official.id).where(Official.account_id == account.id))
        return chosen or db.session.scalar(select(Official.id).order_by(Official.id))


def serve(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per asset

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def take(browser, app, live_server, out: Path, official: int) -> list[str]:
    from tests.browser.steps import sign_in_with_second_factor

    written = []
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, locale="zh-CN")
    page = context.new_page()
    for role in ROLE_KEYS:
        sign_in_with_second_factor(page, live_server, app, role)
        path = out / f"workbench-{role}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(str(path))
    for name, role, url in PAGES:
        sign_in_with_second_factor(page, live_server, app, role)
        response = page.goto(live_server + url.format(official=official))
        if response is None or response.status != 200:
            raise SystemExit(f"{name}: {url} answered {response.status if response else 'nothing'}")
        path = out / name
        page.screenshot(path=str(path), full_page=True)
        written.append(str(path))
    context.close()
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--officials", type=int, default=60, help="demo dossiers to seed (bin/demo seeds 500)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    from tests.clamd import TestClamd

    with tempfile.TemporaryDirectory(prefix="dossier-screenshots-") as tmp:
        # The demo's scans are filed through the store, which has them scanned: by a real
        # clamd with the tests' own signatures, as the test run does.
        clamd = TestClamd(Path(tmp) / "clamd")
        clamd.start()
        app = build_app(Path(tmp), args.officials, clamd.socket)
        server, live_server = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    written = take(browser, app, live_server, args.out, demo_official(app))
                finally:
                    browser.close()
        finally:
            server.shutdown()
            clamd.stop()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
