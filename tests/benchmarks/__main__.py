"""``python -m tests.benchmarks``: the benchmark table (see tests/benchmarks/__init__.py)."""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--officials", type=int, default=100_000, help="dossiers to seed (default 100000)")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"),
                        help="database URL (default: DATABASE_URL, else SQLite in the instance directory)")
    parser.add_argument("--instance", default=os.environ.get("DOSSIER_INSTANCE_DIR"),
                        help="instance directory: keys, key store, attachments (default: a new temporary one)")
    parser.add_argument("--repeat", type=int, default=100, help="requests per latency figure")
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--size-mib", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--audit-events", type=int, default=1_000_000)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--load-clients", type=int, default=32)
    parser.add_argument("--clamd-socket", default=os.environ.get("CLAMD_SOCKET"),
                        help="clamd's socket (default: CLAMD_SOCKET, else the configuration's)")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv=None, echo=print) -> dict:
    args = parse(argv)
    instance = Path(args.instance or tempfile.mkdtemp(prefix="dossier-bench-"))
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["DOSSIER_INSTANCE_DIR"] = str(instance)
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-work-"))

    from app import create_app
    from config import database_url

    from . import dataset, figures, inspection, load, rosters, scanning

    url = database_url(args.database) if args.database else f"sqlite:///{instance / 'dossier.db'}"
    # The test client posts forms without CSRF tokens, and signs in more often than
    # the sign-in limit allows; everything else is the production code path.
    overrides = {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                 "ATTACHMENT_MAX_BYTES": (args.size_mib + 1) * 1024 * 1024}
    if args.clamd_socket:
        overrides["CLAMD_SOCKET"] = args.clamd_socket
    app = create_app(overrides)
    with app.app_context():
        from models.db import db
        from jobs.setup import initialise

        initialise()
        officials = dataset.ensure_officials(args.officials, echo)
        events = dataset.ensure_audit_events(args.audit_events, echo)
        engine, dialect = db.engine, db.engine.dialect.name
    sample = figures.sample_officials(app, 500)
    clerk_official = figures.clerk_official(app)

    table = []
    echo("list and search"); table += figures.list_and_search(app, engine, args.repeat)  # noqa: E702
    echo("official page"); table += figures.official_page(app, engine, args.repeat, sample)  # noqa: E702
    echo("entry and approval")
    table.append(figures.entry_and_approval(app, engine, max(5, args.repeat // 5), clerk_official))
    echo("versioned write"); table.append(figures.versioned_write(app, engine, args.repeat, clerk_official))  # noqa: E702
    echo("attachments")
    table += figures.ingest_upload_fixity(app, workdir, args.files, args.size_mib * 1024 * 1024, args.rounds,
                                          clerk_official)
    echo("upload scanning")
    table += scanning.upload_scanning(app, workdir, args.files, args.size_mib * 1024 * 1024, args.rounds,
                                      clerk_official, figures.signed_in(app, "hr_reviewer"))
    echo("audit verify"); table.append(figures.audit_verify(app))  # noqa: E702
    echo("rosters and search")
    table += rosters.roster_exports(app)
    table += rosters.search(app, engine, figures.signed_in(app, "hr_reviewer"), args.repeat)
    echo("completeness and four-property check"); table += inspection.figures(app, engine)  # noqa: E702
    if dialect == "postgresql" and args.load_seconds > 0:
        echo("concurrent load")
        config = workdir / "load_config.py"
        config.write_text(f"SQLALCHEMY_DATABASE_URI = {url!r}\nRATELIMIT_ENABLED = False\n")
        table.append(load.run({"DOSSIER_CONFIG": str(config), "DOSSIER_INSTANCE_DIR": str(instance)}, sample,
                              clients=args.load_clients, seconds=args.load_seconds, database_url=url))

    result = {"officials": officials, "audit_events": events, "database": dialect,
              "python": sys.version.split()[0], "figures": [f.as_dict() for f in table]}
    echo(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    return result


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if value < 100_000 else f"{value:,.0f}"


def render(result: dict) -> str:
    lines = [f"{result['officials']:,} officials, {result['audit_events']:,} audit events, {result['database']}, "
             f"Python {result['python']}",
             "| figure | unit | product (p50) | raw (p50) | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for f in result["figures"]:
        product = _number(f["product"]) + (f" ({_number(f['product_p50'])})" if f["product_p50"] is not None else "")
        raw = _number(f["raw"]) + (f" ({_number(f['raw_p50'])})" if f["raw_p50"] is not None else "")
        ratio = "—" if f["ratio"] is None else f"{f['ratio']:.2f}"
        met = {True: "yes", False: "NO", None: ""}[f["met"]]
        name = f["name"] + (f" — {f['note']}" if f["note"] else "")
        lines.append(f"| {name} | {f['unit']} | {product} | {raw} | {ratio} | {f['target']} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
