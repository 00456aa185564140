"""Per-request state is one object, made fresh for every request (security.request_state)."""

from dataclasses import fields

from security import request_state


def test_a_request_keeps_one_state_and_the_next_request_starts_from_nothing(app):
    with app.test_request_context("/"):
        state = request_state.current()
        assert request_state.current() is state
        state.visibility = "author"
        state.held_grants.append("role")
        state.grants[(1,)] = frozenset({("can_list", "X")})
        state.queue_counts["first"] = 3
    with app.test_request_context("/"):
        fresh = request_state.current()
        assert fresh is not state
        assert fresh == request_state.RequestState()
        assert fresh.reach is request_state.UNKNOWN and fresh.held_grants == [] and fresh.grants == {}


def test_no_two_requests_share_a_mutable_default():
    one, other = request_state.RequestState(), request_state.RequestState()
    for item in fields(request_state.RequestState):
        value = getattr(one, item.name)
        if isinstance(value, (list, dict)):
            assert value is not getattr(other, item.name), item.name
