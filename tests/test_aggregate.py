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
    model_meta_for,
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
    assert rows[2][1].startswith("'=") or rows[3][1].startswith("'=")  # after scope, "all"
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


_RATES = {"true_positives": 40, "false_negatives": 10, "true_negatives": 90,
          "false_positives": 10, "source": "real_dev"}  # fmt: skip


def test_no_corrected_share_beyond_the_error_rates_and_the_table_says_why():
    # Sensitivity 0.8: 7 of 7 tagged (East) and 27 of 30 (all) are more than the model can tag
    # even if every document had the theme; the Wilson bound of 7 of 7 (65%) does not clear it.
    meta = {"error_rates": {"agency_absence": _RATES}}
    records = _records([("East", 7, 7), ("West", 23, 20)])
    result = aggregate(records, ["region"], model_meta=meta)
    east = next(c for c in result.cohorts if c.label == "East").themes["agency_absence"]
    assert east.corrected is None and east.no_correction == "beyond_error_rates"
    assert result.overall["agency_absence"].corrected is None
    assert corrected_prevalence(71, 100, ErrorRates(2, 1, 95, 5, "x")) is None  # 71% > se 0.67
    assert corrected_prevalence(3, 100, ErrorRates(8, 2, 90, 10, "x")) is None  # 3% < fpr 10%
    table = format_aggregate(result, "table")
    assert "7 (100%, 65-100) ~n/a" in table
    assert (
        "~n/a, Agency missing from joint work (all documents, East, West): no corrected share"
        in table
    )
    assert "sensitivity 0.80" in table
    data = json.loads(format_aggregate(result, "json"))
    assert data["overall"]["agency_absence"]["no_correction"] == "beyond_error_rates"
    assert "clipped" in data["correction_reasons"]["beyond_error_rates"]
    rows = list(csv.DictReader(io.StringIO(format_aggregate(result, "csv"))))
    assert rows[0]["agency_absence_no_correction"] == "beyond_error_rates"


@pytest.mark.parametrize("n", [10, 20, 50, 100])
def test_corrected_interval_is_never_narrower_than_the_sampling_interval(n):
    rates = ErrorRates(80, 20, 90, 10, "real_dev")
    for count in range(n + 1):
        corrected = corrected_prevalence(count, n, rates)
        if corrected is None:
            continue
        point, low, high = corrected
        w_low, w_high = wilson_interval(count, n)
        assert 0 <= low <= point <= high <= 1
        assert high - low >= w_high - w_low - 1e-9, (count, n, corrected)  # 39 of 50 was not


def test_mixed_models_or_settings_get_no_correction_and_are_named():
    meta = {"error_rates": {"agency_absence": _RATES}}
    records = _records([("A", 20, 8)])
    other = [
        TagResult(
            r.doc_id + "x",
            r.path,
            r.sha256,
            r.meta,
            {"name": "other", "sha256": "b" * 64},
            r.labels,
            r.scores,
            (),
            r.settings,
        )  # fmt: skip
        for r in _records([("B", 5, 2)])
    ]
    result = aggregate(records + other, ["region"], model_meta=meta)
    assert all(tc.corrected is None for tc in result.overall.values())
    assert {tc.no_correction for tc in result.overall.values()} == {"mixed_runs"}
    assert result.model == {} and [m["documents"] for m in result.models] == [20, 5]
    assert "m (20 documents), other (5 documents)" in result.correction_reasons["mixed_runs"]
    table = format_aggregate(result, "table")
    assert "No corrected shares: the records were made by more than one model" in table
    assert "~n/a" not in table  # said once for the file, not in every cell
    # One model, two settings: the same.
    override = [TagResult(r.doc_id + "t", r.path, r.sha256, r.meta, r.model, r.labels, r.scores, (),
                          {"threshold": 0.8}) for r in _records([("B", 5, 2)])]  # fmt: skip
    result = aggregate(records + override, ["region"], model_meta=meta)
    assert result.overall["agency_absence"].no_correction == "mixed_runs"
    assert '"threshold": 0.8' in result.correction_reasons["mixed_runs"]
    assert model_meta_for(records + other) == {}


def test_year_bands_never_overlap():
    assert year_band(2005) == year_band(1999) == "2005 or earlier"
    assert year_band(2025) == "2025-2029" and year_band(2031) == "2030-2034"
    assert year_band(True) is None
    spans = {}
    for year in range(1990, 2060):
        band = year_band(year)
        lo, _, hi = band.partition("-")
        assert (int(lo) <= year <= int(hi)) if hi else year <= 2005, band
        spans.setdefault(band, []).append(year)
    years = sorted(y for ys in spans.values() for y in ys)
    assert years == list(range(1990, 2060))  # each year in exactly one band
    records = [_result(str(y), {"year": y}, []) for y in (2005, 2007, 2026)]
    assert [c.label for c in aggregate(records, ["year_band"]).cohorts] == [
        "2005 or earlier", "2006-2009", "2025-2029"]  # fmt: skip


def test_cohort_values_sort_as_numbers_only_when_ascii_digits():
    values = ["²", "①", "10", "2", "٣", "9" * 5000, "North"]
    records = [_result(f"d{i}", {"region": v}, []) for i, v in enumerate(values)]
    labels = [c.label for c in aggregate(records, ["region"]).cohorts]
    assert labels[:3] == ["2", "10", "9" * 5000]
    assert sorted(labels[3:]) == sorted(["²", "①", "٣", "North"])


def test_a_repeated_by_field_counts_once():
    result = aggregate(_records([("A", 3, 1), ("B", 2, 0)]), ["region", "region"])
    assert result.by == ["region"]
    assert result.field_sources == {"region": {"manifest": 5}}
    header, _all, first, *_ = csv.reader(io.StringIO(format_aggregate(result, "csv")))
    assert header[:3] == ["scope", "region", "documents"] and first[:3] == ["cohort", "A", "3"]


def test_csv_has_the_all_documents_row_with_tests_and_safe_headers():
    records = [_result(f"d{i}", {"=cmd()": "x" if i < 12 else "y"}, ["agency_absence"] if i % 2 else [])
               for i in range(24)]  # fmt: skip
    result = aggregate(records, ["=cmd()"])
    header, *rows = csv.reader(io.StringIO(format_aggregate(result, "csv")))
    assert header[:3] == ["scope", "'=cmd()", "documents"]
    everything = dict(zip(header, rows[0], strict=True))
    assert everything["scope"] == "all" and everything["documents"] == "24"
    assert everything["agency_absence_count"] == "12"
    assert everything["agency_absence_difference_test"] == result.tests["agency_absence"].test
    assert everything["agency_absence_difference_p_value"] == str(
        result.tests["agency_absence"].p_value
    )
    assert [r[0] for r in rows[1:]] == ["cohort", "cohort"]


def test_cooccurrence_diagonal_is_each_themes_count():
    records = [
        _result("a", {}, ["agency_absence", "child_not_seen"]),
        _result("b", {}, ["agency_absence"]),
    ]
    result = aggregate(records, ["year_band"])
    assert result.cooccurrence["agency_absence"]["agency_absence"] == 2
    assert result.cooccurrence["child_not_seen"]["child_not_seen"] == 1
    assert result.cooccurrence["agency_absence"]["child_not_seen"] == 1
    assert result.cooccurrence["fathers_overlooked"]["fathers_overlooked"] == 0


def _write(tmp_path, records: list[dict]):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.__setitem__("labels", None), "labels must be a list of theme ids, not null"),
        (lambda r: r.__setitem__("labels", "child_not_seen"), "labels must be a list"),
        (lambda r: r.__setitem__("labels", ["no_such_theme"]), "unknown theme 'no_such_theme'"),
        (lambda r: r.__setitem__("doc_id", ["x"]), "doc_id must be a non-empty string"),
        (lambda r: r.__setitem__("meta", [1]), "meta must be an object, not [1]"),
        (lambda r: r.__setitem__("facts", "x"), 'facts must be an object, not "x"'),
        (lambda r: r.__setitem__("facts", {"values": []}), "facts.values must be an object"),
        (lambda r: r.__setitem__("model", "hybrid"), 'model must be an object, not "hybrid"'),
        (lambda r: r.__setitem__("settings", 3), "settings must be an object"),
        (lambda r: r["sentences"][0].pop("start"), "sentence 1 has no start"),
        (lambda r: r["sentences"][0].__setitem__("labels", "x"), "sentence 1: labels must be"),
    ],
)
def test_malformed_records_are_data_errors_naming_the_line(tmp_path, change, message):
    from scr_nlp.tagging import TaggedSentence

    scores = {t: 0.1 for t in _result("x", {}, []).scores}
    good = TagResult("a", "a.txt", "0" * 64, {}, {"name": "m"}, (), scores,
                     (TaggedSentence(0, 5, "Text.", "other", None, (), scores),), {})  # fmt: skip
    bad = json.loads(json.dumps(good.to_dict()).replace('"a"', '"b"'))
    change(bad)
    path = _write(tmp_path, [good.to_dict(), bad])
    with pytest.raises(DataError) as caught:
        list(read_results(path))
    assert str(caught.value).startswith(f"{path}:2: ") and message in str(caught.value)


def test_a_minimal_record_without_path_is_read(tmp_path):
    path = _write(tmp_path, [{"doc_id": "a", "sha256": "0" * 64, "labels": ["agency_absence"]}])
    (record,) = read_results(path)
    assert record.path == "" and record.labels == ("agency_absence",)
    assert aggregate([record], ["year_band"]).overall["agency_absence"].count == 1
