"""Two app instances on one database, as two nodes behind the proxy are: a session is one
session whichever node serves it, and ending it on one ends it on the other (§6.1.2).
Sign-in limits across instances sharing Redis: tests/security/test_accounts.py; two
schedulers taking each slot once: tests/jobs/test_scheduler_slots.py;
``python -m tests.benchmarks.scaleout`` checks all of it on two gunicorn masters."""

from tests.apps import sign_in
from tests.helpers import SIGNED_IN_PAGE, opens_nothing, session_copy

PAGE = SIGNED_IN_PAGE


def test_signing_out_on_one_instance_ends_the_session_on_the_other(app, second_app, make_user):
    user = make_user("clerk", "D01")
    here = app.test_client()
    sign_in(here, user.username)
    there = session_copy(second_app, here)
    assert there.get(PAGE).status_code == 200
    here.post("/logout/")
    assert opens_nothing(there)


def test_a_password_changed_on_one_instance_ends_the_other_sessions_on_both(app, second_app, make_user):
    user = make_user("clerk", "D01")
    old_here, old_there, changing = app.test_client(), second_app.test_client(), second_app.test_client()
    sign_in(old_here, user.username)
    sign_in(old_there, user.username)
    sign_in(changing, user.username)
    changing.post("/resetmypassword/form", data={"password": "Quiet-Orchard-83", "conf_password": "Quiet-Orchard-83"})
    assert changing.get(PAGE).status_code == 200
    assert opens_nothing(old_here) and opens_nothing(old_there)
    assert opens_nothing(session_copy(second_app, old_here))


def test_wrong_passwords_on_both_instances_lock_the_account_on_both(app, second_app, make_user):
    user = make_user("clerk", "D01")
    signed_in = app.test_client()
    sign_in(signed_in, user.username)
    for attempt in range(5):
        instance = (app, second_app)[attempt % 2]
        instance.test_client().post("/login/", data={"username": user.username, "password": "Wrong-Guess-2026"})
    # Locked everywhere: the right password opens nothing on either, and the open session ends.
    for instance in (app, second_app):
        client = instance.test_client()
        sign_in(client, user.username)
        assert opens_nothing(client)
    assert opens_nothing(session_copy(second_app, signed_in))
