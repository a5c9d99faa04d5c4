from __future__ import annotations

import json

import pytest

from scr_nlp.aggregate import aggregate, format_aggregate, read_results, wilson_interval, year_band
from scr_nlp.errors import DataError


def test_wilson_known_values():
    lo, hi = wilson_interval(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_year_band():
    assert (
        year_band(2016) == "2015-2019"
        and year_band(2006) == "2006-2009"
        and year_band(None) is None
    )


def _records(spec):
    out = []
    for region, n, with_theme in spec:
        for i in range(n):
            labels = ["agency_absence"] if i < with_theme else []
            out.append(
                {
                    "doc_id": f"{region}{i}",
                    "meta": {"region": region, "year": 2010 + i % 10},
                    "labels": labels,
                }
            )
    return out


def test_cohorts_counts_and_tests():
    records = _records([("North West", 40, 30), ("London", 40, 8), ("Wales", 4, 1)])
    result = aggregate(records, ["region"])
    by = {c["cohort"]["region"]: c for c in result["cohorts"]}
    assert by["North West"]["themes"]["agency_absence"]["count"] == 30
    assert by["North West"]["themes"]["agency_absence"]["percent"] == 75.0
    assert by["Wales"]["small"] is True
    test = result["tests"]["agency_absence"]
    assert test["test"] == "chi_square" and test["p_value"] < 0.001 and test["cohorts_tested"] == 2
    assert result["tests"]["child_not_seen"]["p_value"] is None  # no variation
    assert result["cooccurrence"]["agency_absence"]["agency_absence"] == 39


def test_small_counts_use_exact_tests():
    result = aggregate(_records([("A", 12, 1), ("B", 12, 6)]), ["region"])
    assert result["tests"]["agency_absence"]["test"] == "fisher_exact"
    result = aggregate(_records([("A", 12, 1), ("B", 12, 6), ("C", 12, 2)]), ["region"])
    assert result["tests"]["agency_absence"]["test"] == "chi_square_monte_carlo"
    assert 0 < result["tests"]["agency_absence"]["p_value"] < 0.1


def test_combinations_and_formats():
    result = aggregate(_records([("London", 12, 3)]), ["region", "year_band"])
    assert {tuple(c["cohort"].values()) for c in result["cohorts"]} == {
        ("London", "2010-2014"),
        ("London", "2015-2019"),
    }
    for fmt in ("table", "csv", "markdown", "json"):
        text = format_aggregate(result, fmt)
        assert "London" in text
    assert json.loads(format_aggregate(result, "json"))["documents"] == 12


def test_bad_results_file(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"doc_id": "x"}\n')
    with pytest.raises(DataError, match="no 'labels'"):
        list(read_results(path))
