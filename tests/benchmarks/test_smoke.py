"""The benchmark table at a tiny size, so that the command in the README keeps working."""

import os

from tests.benchmarks.__main__ import main, render


def test_the_benchmark_table_runs_end_to_end(databases, tmp_path, clamd):
    saved = os.environ.get("DOSSIER_INSTANCE_DIR")
    lines = []
    try:
        result = main(["--officials", "12", "--database", databases.new("bench"), "--instance", str(tmp_path / "i"),
                       "--repeat", "3", "--files", "2", "--size-mib", "1", "--rounds", "1", "--audit-events", "500",
                       "--load-seconds", "2", "--load-clients", "2", "--json", str(tmp_path / "table.json"),
                       "--clamd-socket", clamd.socket],
                      echo=lines.append)
    finally:
        if saved is not None:
            os.environ["DOSSIER_INSTANCE_DIR"] = saved
    names = [f["name"] for f in result["figures"]]
    assert len(names) == (21 if databases.kind == "postgresql" else 20), names
    for figure in result["figures"]:
        assert figure["product"] > 0, figure
        if figure["raw"] is not None:
            assert figure["raw"] > 0 and figure["ratio"] > 0, figure
    assert result["officials"] == 12 and result["audit_events"] >= 500
    if databases.kind == "postgresql":
        load = result["figures"][-1]
        assert load["met"], load["note"]  # no request failed under load
    assert (tmp_path / "table.json").exists()
    assert render(result) in lines
