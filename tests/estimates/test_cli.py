"""`mlsd estimate` and the figures in `mlsd check --format json`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.templates import find_template

FRAUD = str(find_template("fraud_detection").path)


def test_estimate_text_shows_totals_derivations_and_assumptions(capsys):
    assert main(["estimate", FRAUD]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Payment fraud detection (")
    assert "  peak_qps: 3,000 QPS" in out
    # 3,000 QPS / (400 x 0.7) = 10.7 -> 11 replicas of the fraud model
    assert "3,000 QPS / (400 predictions/s per replica x 0.7 utilisation) = 10.7 -> 11 replicas" in out
    assert "Assumptions" in out and "0.7 utilisation" in out
    assert "Missing inputs" not in out


def test_estimate_json_with_a_what_if(capsys):
    assert main(["estimate", FRAUD, "--format", "json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert main(["estimate", FRAUD, "--format", "json", "--scale", "2"]) == 0
    doubled = json.loads(capsys.readouterr().out)
    assert doubled["scale"] == {"qps": 2.0, "volume": 2.0}
    assert doubled["totals"]["peak_qps"] == 2 * base["totals"]["peak_qps"] == 6000
    assert doubled["totals"]["storage_bytes"] == pytest.approx(2 * base["totals"]["storage_bytes"])
    assert main(["estimate", FRAUD, "--format", "json", "--scale", "2", "--scale-qps", "3"]) == 0
    mixed = json.loads(capsys.readouterr().out)
    assert mixed["scale"] == {"qps": 3.0, "volume": 2.0}
    model = next(c for c in base["components"] if c["id"] == "model")
    replicas = next(f for f in model["figures"] if f["name"] == "replicas_needed")
    assert replicas["value"] == 11 and replicas["unit"] == "replicas" and replicas["text"] == "11 replicas"


def test_estimate_bad_input_exits_2_with_the_loaders_message(tmp_path, capsys):
    broken = tmp_path / "broken.mlsd"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["estimate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.mlsd" in err and "invalid JSON" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["estimate", FRAUD, "--scale-volume", "-1"])
    assert exit_info.value.code == 2
    assert "not a positive factor" in capsys.readouterr().err


def test_check_json_carries_the_estimates(capsys):
    main(["check", FRAUD, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert {"file", "stages", "findings", "summary", "rules_checked", "estimates"} <= set(data)
    assert data["estimates"]["totals"]["peak_qps"] == 3000
    assert data["estimates"]["missing"] == []


def test_estimate_text_keeps_names_on_one_line_and_their_bidi_inside(tmp_path, capsys):
    """A name's line break split a derivation over lines (in the terminal and the report's
    table), and an RLO in a name reversed the rest of the terminal line."""
    from app.domain.text import balance_bidi

    data = json.loads(Path(FRAUD).read_text(encoding="utf-8"))
    data["meta"]["title"] = "Fraud \u202ereversed"
    names = {"accounts": "Customer\naccounts", "device_intel": "evil\u202eabc", "transactions": "نموذج"}
    for component in data["components"]:
        component["name"] = names.get(component["id"], component["name"])
    path = tmp_path / "d.mlsd"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["estimate", str(path)]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if balance_bidi(line) != line] == []
    assert (
        "5,000,000 from Customer accounts + 86,400,000 from \u2068evilabc\u2069"
        " + 86,400,000 from \u2068نموذج\u2069 = 177,800,000 events/day" in out
    )
    assert out.startswith("\u2068Fraud reversed\u2069 (")
    assert "\nCustomer accounts (accounts)\n" in out and "\n\u2068نموذج\u2069 (transactions)\n" in out


def test_estimate_json_stays_json_when_the_arithmetic_overflows(tmp_path, capsys):
    """Huge (valid) inputs overflow to infinity; `Infinity` is not JSON, so a strict reader
    (JSON.parse, jq, json.loads with parse_constant) refused the whole output."""
    data = json.loads(Path(FRAUD).read_text(encoding="utf-8"))
    source = next(c for c in data["components"] if c["id"] == "transactions")
    source["properties"].update(events_per_day=1e308, bytes_per_event=1e10)
    path = tmp_path / "huge.mlsd"
    path.write_text(json.dumps(data), encoding="utf-8")

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    assert main(["estimate", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert out["totals"]["storage_bytes"] is None and out["totals"]["events_per_day"] == 1e308
    figures = {f["name"]: f for c in out["components"] for f in c["figures"] if c["id"] == "transactions"}
    assert figures["bytes_per_day"]["value"] is None


@pytest.mark.parametrize("args", [[], ["--scale", "1e300"]], ids=["huge_input", "huge_what_if"])
def test_estimate_text_stays_readable_when_figures_are_huge_or_overflow(tmp_path, capsys, args):
    # Overflowed figures read 'inf' ('$inf/month', 'inf% of capacity') and huge ones were
    # written in full: a line of 400 digits and commas for a peak of 1e308 QPS.
    data = json.loads(Path(FRAUD).read_text(encoding="utf-8"))
    if not args:
        endpoint = next(c for c in data["components"] if c["kind"] == "endpoint")
        endpoint["properties"]["qps"] = 1e308
    path = tmp_path / "huge.mlsd"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["estimate", str(path), *args]) == 0
    out = capsys.readouterr().out
    assert "too large to compute" in out and "e+30" in out
    assert not re.search(r"\binf\b", out) and "$inf" not in out and "inf%" not in out
    assert max(len(line) for line in out.splitlines()) < 400


def test_figures_that_overflow_in_a_division_or_a_sum_are_said_not_crashed_on(tmp_path, capsys):
    """A valid peak of 1e308 QPS on a model serving 0.5 predictions/s overflowed its replicas
    (math.ceil of infinity) and the load of the feature store two models read (round of
    infinity): `mlsd estimate`, `mlsd check --format json` and the PDF report failed with an
    internal error, R57 was an internal error of the rule, and R55 said the load 'needs inf'."""
    data = json.loads(find_template("recommendations").path.read_text(encoding="utf-8"))
    for component in data["components"]:
        if component["kind"] == "endpoint":
            component["properties"]["qps"] = 1e308
        if component["id"] == "ranker":
            component["properties"]["throughput_per_replica"] = 0.5
    path = tmp_path / "overflow.mlsd"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["estimate", str(path)]) == 0
    assert "replicas_needed: too large to compute" in capsys.readouterr().out
    assert main(["check", str(path), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    messages = [(f["rule"], f["message"]) for f in findings if f["rule"] in ("R55", "R57")]
    assert not [m for _, m in messages if "internal error" in m or re.search(r"\binf\b", m)]
    assert [m for r, m in messages if r == "R57" and "serves too large to compute QPS at peak" in m]
    assert [m for r, m in messages if r == "R55" and "peak load needs too large to compute (" in m]
