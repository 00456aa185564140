"""Each stored file under a key of its own (§9.2): one material's key destroyed makes that
file unreadable, and nothing else of the dossier."""

import io

import pytest

from models.storage import attachments
from security import crypto
from security.keys import keyring
from tests import documents


def read(material) -> bytes:
    return b"".join(attachments.open_plaintext(material.stored_sha256, material.official_id, material.file_key_id))


def test_a_new_file_gets_a_key_of_its_own_and_two_materials_of_one_official_do_not_share_one(db, make_official,
                                                                                              make_material):
    official = make_official()
    content = documents.pdf(2)
    first, second = make_material(official=official, content=content), make_material(official=official,
                                                                                     content=content)
    assert first.file_key_id is not None and second.file_key_id is not None
    assert first.file_key_id != second.file_key_id
    # The same document twice: two stored files, each under its own key.
    assert first.content_sha256 == second.content_sha256 and first.stored_sha256 != second.stored_sha256
    assert read(first) == read(second) == content
    # Not under the official's data key alone any more.
    _version, dek = keyring().dek(official.id)
    with open(attachments.path_of(first.stored_sha256), "rb") as handle, pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(dek, handle, attachments.file_aad(official.id)))


def test_destroying_one_materials_key_leaves_the_rest_of_the_dossier_readable(db, make_official, make_material):
    official = make_official()
    destroyed, kept = make_material(official=official), make_material(official=official, title="任免审批表")
    citizen_id = official.citizen_id
    assert keyring().destroy_file_key(destroyed.file_key_id)

    with pytest.raises(attachments.AttachmentError) as refused:
        read(destroyed)
    assert refused.value.code == "shredded"
    assert "材料已销毁" in refused.value.message  # said in the default language, zh
    assert read(kept).startswith(b"%PDF")
    db.session.expire_all()
    assert official.citizen_id == citizen_id  # the official's encrypted fields still open


def test_destroying_the_officials_key_still_makes_every_file_of_the_dossier_unreadable(db, make_official,
                                                                                       make_material):
    """A file's content key is derived from its own key and the official's: shredding the
    whole dossier is still one key."""
    material = make_material()
    keyring().destroy(material.official_id)
    with pytest.raises(attachments.AttachmentError) as refused:
        read(material)
    assert refused.value.code == "shredded" and "密钥已销毁" in refused.value.message


def test_an_upload_rolled_back_leaves_neither_its_file_nor_a_key_that_opens_it(db, make_official):
    official = make_official()
    stored = attachments.put(io.BytesIO(documents.pdf()), official.id, db.session)
    assert attachments.path_of(stored.stored_sha256).exists()
    db.session.rollback()
    assert not attachments.path_of(stored.stored_sha256).exists()
    assert stored.file_key_id in keyring().destroyed_file_keys()

