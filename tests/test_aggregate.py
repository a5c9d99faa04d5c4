from __future__ import annotations

import csv
import io
import json

import pytest

from scr_nlp.aggregate import (
    AggregateResult,
    ErrorRates,
    aggregate,
    corrected_prevalence,
    format_aggregate,
    wilson_interval,
    year_band,
)
from scr_nlp.errors import DataError, UsageError
from scr_nlp.results import read_results
from scr_nlp.tagging import TagResult


def test_wilson_known_values():
    lo, hi = wilson_interval(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_year_band():
    assert year_band(2016) == "2015-2019" and year_band(2006) == "2006-2009"
    assert year_band(None) is None


def _result(doc_id, meta, labels, facts=None) -> TagResult:
    scores = {t: 0.0 for t in ("child_not_seen", "fathers_overlooked", "home_education_concealment",
                               "third_party_concerns_ignored", "agency_absence")}  # fmt: skip
    return TagResult(doc_id, f"{doc_id}.txt", "0" * 64, meta, {"name": "m"}, tuple(labels), scores,
                     (), {"threshold": None}, facts=facts)  # fmt: skip


def _records(spec):
    out = []
    for region, n, with_theme in spec:
        for i in range(n):
            labels = ["agency_absence"] if i < with_theme else []
            out.append(_result(f"{region}{i}", {"region": region, "year": 2010 + i % 10}, labels))
    return out


def test_cohorts_counts_and_tests():
    result = aggregate(
        _records([("North West", 40, 30), ("London", 40, 8), ("Wales", 4, 1)]), ["region"]
    )
    by = {c.cohort["region"]: c for c in result.cohorts}
    assert by["North West"].themes["agency_absence"].count == 30
    assert by["North West"].themes["agency_absence"].percent == 75.0
    assert by["Wales"].small is True and by["London"].small is False
    assert (
        result.overall["agency_absence"].count == 39
        and result.overall["agency_absence"].documents == 84
    )
    test = result.tests["agency_absence"]
    assert test.test == "chi-square test" and test.p_value < 0.001 and test.cohorts_tested == 2
    assert "differs across region more than chance" in test.reading
    assert result.tests["child_not_seen"].p_value is None
    assert "does not vary" in result.tests["child_not_seen"].reading
    assert result.cooccurrence["agency_absence"]["agency_absence"] == 0  # diagonal left out


def test_small_counts_use_exact_tests_and_read_plainly():
    result = aggregate(_records([("A", 12, 1), ("B", 12, 6)]), ["region"])
    assert result.tests["agency_absence"].test == "Fisher's exact test"
    result = aggregate(_records([("A", 12, 1), ("B", 12, 6), ("C", 12, 2)]), ["region"])
    assert result.tests["agency_absence"].test == "Monte Carlo chi-square test"
    assert 0 < result.tests["agency_absence"].p_value < 0.1


def test_unknown_field_is_an_error_naming_the_known_ones():
    with pytest.raises(
        UsageError,
        match=r"unknown cohort field 'county'; fields in these results: region, year, year_band",
    ):
        aggregate(_records([("A", 3, 1)]), ["county"])


def test_extracted_facts_fill_cohorts_and_the_manifest_wins():
    records = [
        _result("a", {}, ["child_not_seen"], facts={"values": {"child_age_band": "under_1"}}),
        _result(
            "b", {"child_age_band": "16_plus"}, [], facts={"values": {"child_age_band": "1_to_5"}}
        ),
        _result("c", {}, []),
    ]
    result = aggregate(records, ["child_age_band"])
    assert {c.label: c.documents for c in result.cohorts} == {
        "16_plus": 1,
        "under_1": 1,
        "unknown": 1,
    }
    assert result.field_sources["child_age_band"] == {"extracted": 1, "manifest": 1, "missing": 1}


def test_corrected_prevalence_undoes_a_known_error_rate():
    # A model with sensitivity 0.8 and specificity 0.9 tags 24% of documents (0.2 x 0.8 + 0.8 x 0.1) when the truth is 20%.
    rates = ErrorRates(80, 20, 90, 10, "real_dev")
    point, low, high = corrected_prevalence(240, 1000, rates)
    assert point == pytest.approx(0.2, abs=1e-9)
    assert (
        low < 0.2 < high and high - low > 2 * 1.96 * (0.2 * 0.8 / 1000) ** 0.5
    )  # wider than sampling alone
    assert corrected_prevalence(5, 10, ErrorRates(5, 5, 5, 5, "x")) is None  # uninformative model
    assert corrected_prevalence(12, 100, ErrorRates(80, 20, 90, 10, "x"))[0] == pytest.approx(
        0.0286, abs=1e-3
    )
    # A tagged share beyond the error rates (95% tagged by a model with sensitivity 0.57):
    # the rates describe other documents, and no corrected share is given.
    assert corrected_prevalence(95, 100, ErrorRates(57, 43, 77, 23, "real_dev")) is None
    assert corrected_prevalence(0, 100, ErrorRates(80, 20, 60, 40, "real_dev")) is None


def test_aggregate_with_model_error_rates_and_round_trip():
    meta = {"error_rates": {"agency_absence": {"true_positives": 40, "false_negatives": 10,
            "true_negatives": 90, "false_positives": 10, "source": "real_dev"}}}  # fmt: skip
    result = aggregate(_records([("A", 30, 12), ("B", 30, 3)]), ["region"], model_meta=meta)
    overall = result.overall["agency_absence"]
    assert (
        overall.corrected is not None
        and overall.corrected_low <= overall.corrected <= overall.corrected_high
    )
    assert result.overall["child_not_seen"].corrected is None  # no error rates for it
    assert AggregateResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_formats_escape_what_they_must():
    records = _records([('=HYPERLINK("http://x")', 2, 1), ("a|b", 2, 0)])
    result = aggregate(records, ["region"])
    rows = list(csv.reader(io.StringIO(format_aggregate(result, "csv"))))
    assert rows[1][0].startswith("'=") or rows[2][0].startswith("'=")
    markdown = format_aggregate(result, "markdown")
    assert "a\\|b" in markdown
    table = format_aggregate(result, "table")
    assert table.count("Documents carrying both themes") == 1
    header, rule, *rows = table.split("\n\n")[0].splitlines()
    starts = [i for i in range(1, len(rule)) if rule[i] == "-" and rule[i - 1] == " "]
    assert len(starts) == 6  # docs + five themes
    for row in [header, *rows]:
        assert all(row[s - 1] == " " for s in starts), row  # every column lines up
    assert json.loads(format_aggregate(result, "json"))["documents"] == 4


def test_results_reader_refuses_bad_and_duplicate_records(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"doc_id": "x"}\n')
    with pytest.raises(DataError, match="not a tag-batch record"):
        list(read_results(path))
    record = _result("x", {}, []).to_dict()
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    with pytest.raises(DataError, match="doc_id 'x' already appears on line 1"):
        list(read_results(path))


def test_percent_is_rounded_from_the_counts():
    result = aggregate(_records([("A", 11, 6)]), ["region"])
    assert "6 (55%" in format_aggregate(result, "table")


def test_results_can_be_read_without_their_sentences(tmp_path):
    from scr_nlp.tagging import TaggedSentence

    scores = {t: 0.1 for t in _result("x", {}, []).scores}
    full = TagResult("x", "x.txt", "0" * 64, {}, {"name": "m"}, ("agency_absence",), scores,
                     (TaggedSentence(0, 5, "Text.", "other", None, (), scores),), {"threshold": None})  # fmt: skip
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(full.to_dict()) + "\n")
    (light,) = read_results(path, sentences=False)
    assert light.sentences == () and light.labels == full.labels and light.meta == full.meta
    assert next(read_results(path)) == full
