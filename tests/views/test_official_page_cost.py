"""The official page decrypts each sensitive value it shows once, unwraps the official's data key
at most once, and issues as many SQL statements whatever the size of the dossier."""

from datetime import date

from security import crypto
from security.keys import keyring
from tests.apps import sign_in
from tests.benchmarks.test_query_counts import Counter


class Decryptions:
    def __init__(self, monkeypatch):
        self.count, real = 0, crypto.decrypt

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(crypto, "decrypt", counted)


def _page(app, db, client, official_id, monkeypatch) -> tuple[int, int, int, str]:
    """(decryptions, key-store statements, main-database statements, page) of one cold-key view."""
    url = f"/officialview/show/{official_id}"
    assert client.get(url).status_code == 200  # statements compiled, menu drawn, as on any later page
    keyring()._cache.clear()
    decryptions = Decryptions(monkeypatch)
    with Counter(db.engine) as main, Counter(keyring().engine) as keys:
        response = client.get(url)
    monkeypatch.undo()
    assert response.status_code == 200
    return decryptions.count, keys.count, main.count, response.get_data(as_text=True)


def test_each_sensitive_value_is_decrypted_once_and_the_key_unwrapped_once(app, db, client, make_official,
                                                                          make_record, monkeypatch):
    from models.integrity_file import IntegrityRisk

    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY_EVENTS", 0)
    assert sign_in(client, "hr_reviewer").status_code == 302
    found, shown = {}, {}
    for risks in (1, 6):
        official = make_official()
        shown[risks] = sum(getattr(official, f"_{name}") is not None
                           for name in ("citizen_id", "office_phone", "mobile", "email"))
        for i in range(risks):
            make_record(IntegrityRisk, official=official, risk_point=f"风险点{risks}-{i}", controls=f"防控措施{risks}-{i}",
                        identified_on=date(2020, 1, 1 + i))
        found[risks] = _page(app, db, client, official.id, monkeypatch)
    (one, keys_one, statements_one, page_one), (six, keys_six, statements_six, page_six) = found[1], found[6]
    assert "风险点1-0" in page_one and "防控措施6-5" in page_six
    # The data key's unwrap, then every value shown once: the official's identity fields (the
    # completeness check's citizen ID is the same value) and the risk's two texts.
    assert one == 1 + shown[1] + 2
    # Five more risks, two sensitive values each: ten more decryptions, not one more per value shown twice.
    assert six - one == 10
    # The data key: one key-store read however many values it opens.
    assert keys_one == keys_six == 1
    assert statements_one == statements_six
