"""A Chinese reader reads Chinese on every list, show, add and edit page: FAB's own
buttons, filters and dialogs, the widgets' strings, the empty choice of a select, the
field labels (views.forms, app/templates/dossier/layout.html, the catalogues). The
add and edit forms name the official they are for, and date pickers open where the
date lies."""

import json
import re
from datetime import date
from urllib.parse import quote

import pytest

from models import DOSSIER_MODELS, Official
from models.career import WorkExperience
from models.evaluation import AnnualAssessment
from tests.views.fab_english import english_in, visible_text
from tests.views.test_forms import view_url


def filter_widget_text(page_html: str) -> str:
    """What FAB's filter script puts on the page when a filter is added: the column labels,
    the operators' names and the value fields (the JSON arguments of ``AdminFilters``)."""
    found = re.search(r"new AdminFilters\(\s*'#filter_form',\s*(.*?)\n\s*\);", page_html, re.S)
    if found is None:
        return ""
    labels, fields, operators, active = (json.loads(line.strip().rstrip(",")) for line in found.group(1).splitlines())
    parts = [*labels.values(), *(visible_text(f) for f in fields.values()), *(n for ns in operators.values() for n in ns),
             *(a[1] for a in active)]
    return " ".join(parts)


def shown(page_html: str) -> str:
    return visible_text(page_html) + " " + filter_widget_text(page_html)


# (role, a section that role adds and edits).
READERS = [("clerk", WorkExperience), ("hr_reviewer", AnnualAssessment)]


@pytest.mark.parametrize("role,model", READERS, ids=[r for r, _ in READERS])
def test_every_daily_page_reads_in_chinese(role, model, db, login_as, make_record):
    record = make_record(model)
    client = login_as(role)
    text_column = next(c for c in model.list_columns if c in model.__table__.c and
                       isinstance(getattr(record, c), str) and "code_table" not in model.__table__.c[c].info)
    pages = {
        "officials": "/officialview/list/",
        "filtered list": view_url(model, "list") + f"/?_flt_0_{text_column}={quote(getattr(record, text_column)[:1])}",
        "add form": view_url(model, "add") + f"?_flt_0_official={record.official_id}",
        "edit form": view_url(model, "edit", record.id),
        "show page": view_url(model, "show", record.id),
        "official's page": f"/officialview/show/{record.official_id}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        text = shown(response.get_data(as_text=True))
        assert english_in(text) == [], (name, url, english_in(text))
    # The filter of the list is there, its operator in Chinese.
    assert "开头是" in filter_widget_text(client.get(pages["filtered list"]).get_data(as_text=True))


def test_traditional_chinese_readers_read_traditional_chinese(db, login_as, make_record):
    record = make_record(WorkExperience)
    client = login_as("clerk")
    client.get("/lang/zh_Hant")
    listed = client.get(f"/workexperienceview/list/?_flt_0_unit={quote(record.unit[:1])}").get_data(as_text=True)
    assert english_in(shown(listed)) == []
    assert "開頭是" in filter_widget_text(listed) and "新增篩選條件" in visible_text(listed)
    form = client.get(view_url(WorkExperience, "edit", record.id)).get_data(as_text=True)
    assert english_in(shown(form)) == [] and "（無）" in form


def locale_scripts(page_html: str) -> list[str]:
    return re.findall(r'<script src="(/static/[^"]+)"', page_html)


@pytest.mark.parametrize("language,select2,datepicker", [
    ("zh", "未找到结果", "今天"), ("zh_Hant", "未找到結果", "今天"),
])
def test_the_widgets_scripts_speak_the_readers_language(language, select2, datepicker, db, login_as, make_record):
    record = make_record(WorkExperience)
    client = login_as("clerk")
    client.get(f"/lang/{language}")
    scripts = locale_scripts(client.get(view_url(WorkExperience, "edit", record.id)).get_data(as_text=True))
    tag = {"zh": "zh-CN", "zh_Hant": "zh-TW"}[language]
    select2_locale = f"/static/dossier/i18n/select2-{tag}.js"
    picker_locale = f"/static/dossier/i18n/datepicker-{tag}.js"
    # Each locale after its widget, and the defaults set before FAB's ab.js builds the widgets (on ready).
    assert scripts.index("/static/appbuilder/js/select2/select2.min.js") < scripts.index(select2_locale)
    assert scripts.index("/static/appbuilder/js/bootstrap-datepicker/bootstrap-datepicker.min.js") \
        < scripts.index(picker_locale) < scripts.index("/static/dossier/widgets.js")
    code = client.get(select2_locale).get_data(as_text=True)
    assert f'"select2/i18n/{tag}"' in code and re.search(r'noResults: function \(\) \{ return "' + select2, code)
    assert "searching" in code and "No results" not in code
    code = client.get(picker_locale).get_data(as_text=True)
    assert f'dates["{tag}"]' in code and f'today: "{datepicker}"' in code and '"一月"' in code
    code = client.get("/static/dossier/widgets.js").get_data(as_text=True)
    assert 'select2.defaults.set("language", lang)' in code and "datepicker.defaults.language = lang" in code


def test_english_readers_get_the_widgets_own_english(db, login_as, make_record):
    record = make_record(WorkExperience)
    client = login_as("clerk")
    client.get("/lang/en")
    scripts = locale_scripts(client.get(view_url(WorkExperience, "edit", record.id)).get_data(as_text=True))
    assert not [s for s in scripts if "/dossier/i18n/" in s]


def options(page_html: str) -> list[tuple[str, str]]:
    return [(v, visible_text(label)) for v, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', page_html, re.S)]


@pytest.mark.parametrize("model", DOSSIER_MODELS, ids=lambda m: m.section_key)
def test_no_form_of_any_section_shows_none_or_a_field_name(model, db, login_as, make_official, make_record):
    client = login_as("hr_reviewer")
    if model is Official:
        official = make_official()
        forms = ["/officialview/add", f"/officialview/edit/{official.id}"]
    else:
        record = make_record(model) if model.__name__ != "Material" else None
        official = record.official if record is not None else make_official()
        forms = [view_url(model, "add") + f"?_flt_0_official={official.id}"]
        if record is not None:
            forms.append(view_url(model, "edit", record.id))
    for url in forms:
        page = client.get(url).get_data(as_text=True)
        text = visible_text(page)
        assert "__None" not in text and "None" not in text.split(), url
        assert [label for value, label in options(page) if value == "__None"] in ([], ["（无）"] * len(
            [v for v, _ in options(page) if v == "__None"])), url
        # Every label is a term of the reader's language, never a column's name.
        labels = [visible_text(lb) for lb in re.findall(r'<label for="[^"]+"[^>]*>(.*?)</label>', page, re.S)]
        assert not [lb for lb in labels if re.fullmatch(r"[a-z_ ]+\*?", lb)], (url, labels)


def test_a_form_opened_from_the_collection_register_labels_its_entry(db, login_as, users, make_official):
    from models import CollectionReceipt

    official = make_official()
    receipt = CollectionReceipt(official_id=official.id, section_key="work_experience", provider="市委组织部",
                                received_on=date.today(), entered_by_id=users["clerk"].id)
    db.session.add(receipt)
    db.session.commit()
    client = login_as("clerk")
    page = client.get(view_url(WorkExperience, "add") + f"?_flt_0_official={official.id}&receipt={receipt.id}")
    html = page.get_data(as_text=True)
    (label,) = re.findall(r'<label for="receipt"[^>]*>(.*?)</label>', html, re.S)
    assert visible_text(label) == "收集登记"


def title(page_html: str) -> str:
    return visible_text(re.search(r'<h4 class="panel-title">(.*?)</h4>', page_html, re.S).group(1))


def test_every_form_names_the_official_it_is_for(db, login_as, make_record, make_official):
    record = make_record(WorkExperience)
    name = record.official.name
    client = login_as("clerk")
    add = client.get(view_url(WorkExperience, "add") + f"?_flt_0_official={record.official_id}")
    assert title(add.get_data(as_text=True)) == f"为 {name} 录入工作经历"
    edit = client.get(view_url(WorkExperience, "edit", record.id))
    assert title(edit.get_data(as_text=True)) == f"修改 {name} 的工作经历"
    basic = client.get(f"/officialview/edit/{record.official_id}")
    assert title(basic.get_data(as_text=True)) == f"修改 {name} 的基本信息"
    assert title(client.get("/officialview/add").get_data(as_text=True)) == "新增官员"
    # An official beyond the clerk's departments is named by no form of theirs.
    elsewhere = make_official(department_code="D03")
    page = client.get(view_url(WorkExperience, "add") + f"?_flt_0_official={elsewhere.id}").get_data(as_text=True)
    assert elsewhere.name not in page and title(page) == "工作经历"


def picker(page_html: str, field: str) -> str:
    return re.search(rf'<div class="input-group date appbuilder_date"[^>]*>(?:(?!</div>).)*id="{field}"', page_html,
                     re.S).group(0).split(">")[0]


def test_a_birth_date_opens_on_the_years_decades_back_and_a_day_on_its_month(db, login_as):
    client = login_as("clerk")
    page = client.get("/officialview/add").get_data(as_text=True)
    birth = picker(page, "birth_date")
    assert 'data-date-start-view="2"' in birth
    assert f'&#34;year&#34;: {date.today().year - 40}' in birth
    assert 'data-date-start-view="2"' in picker(page, "work_start_date")
    assert "data-date-start-view" not in picker(page, "received_on")
