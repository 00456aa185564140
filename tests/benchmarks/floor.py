"""The floor under the product's pages: a hand-written Flask + Jinja page showing the same
rows, with a comparable layout (a 50-link menu, a table, paging) and a signed-in session
read from the database on every request, in the same process and run as the product.
The product's page beside it says what the framework and the product's guarantees cost
on top of the work any page of those rows must do."""

from flask import Flask, abort, render_template, session
from jinja2 import DictLoader
from sqlalchemy import text

from .figures import LIST_SQL

LAYOUT = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head><body>
<nav><span>{{ user.username }}</span><ul>
{% for group, links in menu %}<li>{{ group }}<ul>
{% for label, href in links %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}</ul></li>{% endfor %}
</ul></nav><main><h1>{{ title }}</h1>{% block body %}{% endblock %}</main></body></html>"""

LIST = """{% extends "layout" %}{% block body %}<p>共 {{ count }} 条</p><table>
<thead><tr><th>姓名</th><th>性别</th><th>出生日期</th><th>部门</th><th>职务</th><th>状态</th><th></th></tr></thead>
<tbody>{% for id, name, gender, birth, department, post, status in rows %}<tr><td>{{ name }}</td>
<td>{{ genders.get(gender, gender) }}</td><td>{{ birth }}</td><td>{{ department }}</td><td>{{ post }}</td>
<td>{{ status }}</td><td><a href="/official/{{ id }}">查看</a></td></tr>{% endfor %}</tbody></table>
<nav>{% for page in range(1, 8) %}<a href="?page={{ page }}">{{ page }}</a> {% endfor %}</nav>{% endblock %}"""

PAGE = """{% extends "layout" %}{% block body %}<dl>{% for key, value in official.items() %}
<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}</dl>
{% for name, rows in sections %}<h2>{{ name }}</h2><table>{% for row in rows %}<tr>
{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}{% endblock %}"""

MENU = [(f"分组{g}", [(f"菜单项{g}-{i}", f"/screen/{g}/{i}") for i in range(10)]) for g in range(5)]
USER_SQL = """SELECT u.id, u.username, u.active, r.name FROM ab_user u
JOIN ab_user_role ur ON ur.user_id = u.id JOIN ab_role r ON r.id = ur.role_id WHERE u.id = :id"""


def floor_app(engine, section_tables: list[str]) -> Flask:
    """The hand-written app, on the product's database, signed in as HR."""
    app = Flask(__name__)
    app.secret_key = "bench-floor"
    app.jinja_env.loader = DictLoader({"layout": LAYOUT, "list": LIST, "page": PAGE})

    def current_user(conn):
        rows = conn.execute(text(USER_SQL), {"id": session["user_id"]}).all()
        if not rows or not rows[0].active:
            abort(403)
        return rows[0]

    @app.post("/login")
    def login():
        with engine.connect() as conn:
            session["user_id"] = conn.execute(text("SELECT id FROM ab_user WHERE username = 'hr_reviewer'")).scalar()
        return "", 204

    @app.get("/officials")
    def officials():
        with engine.connect() as conn:
            user = current_user(conn)
            count = conn.execute(text("SELECT count(*) FROM official WHERE review_state = 'approved'")).scalar()
            rows = conn.execute(text(LIST_SQL.format(where=""))).all()
        return render_template(
            "list", title="官员", user=user, menu=MENU, count=count, rows=rows,
            genders={"1": "男", "2": "女"})

    @app.get("/official/<int:official_id>")
    def official(official_id):
        with engine.connect() as conn:
            user = current_user(conn)
            found = conn.execute(text(
                "SELECT o.*, d.name AS department FROM official o LEFT JOIN department d ON d.id = o.department_id "
                "WHERE o.id = :id"), {"id": official_id}).mappings().first()
            sections = [(table, conn.execute(text(
                f"SELECT * FROM {table} WHERE official_id = :id AND review_state = 'approved'"),
                {"id": official_id}).all()) for table in section_tables]
        return render_template("page", title=found["name"], user=user, menu=MENU,
                                      official=dict(found), sections=sections)

    return app


def signed_in_floor(engine, section_tables):
    client = floor_app(engine, section_tables).test_client()
    assert client.post("/login").status_code == 204
    return client
