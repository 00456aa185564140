"""Code tables are stored as codes and shown as names in the reader's language."""

from models import codes


def test_national_tables_are_complete():
    assert len(codes.table("ethnicity")) == 58  # 56 ethnic groups + 其他 + 外国血统
    assert codes.table("ethnicity")["05"].zh == "维吾尔族"
    assert set(codes.table("gender")) == {"0", "1", "2", "9"}
    assert codes.table("political_status")["13"].zh == "群众"
    assert all(len(code) == 3 for code in codes.table("degree"))


def test_every_table_has_a_name_in_each_language():
    for name in codes.table_names():
        for item in codes.table(name).values():
            assert item.zh and item.zh_Hant and item.en, (name, item.code)


def test_names_follow_the_reader_language(app):
    for locale, expected in (("zh", "维吾尔族"), ("zh_Hant", "維吾爾族"), ("en", "Uyghur")):
        with app.test_request_context(f"/?_l_={locale}"):
            assert codes.name("ethnicity", "05") == expected


def test_dossier_init_copied_every_code(db):
    from sqlalchemy import func, select

    from models import CodeItem

    assert db.session.scalar(select(func.count()).select_from(CodeItem)) == len(codes.rows())
