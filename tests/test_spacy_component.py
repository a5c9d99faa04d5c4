from __future__ import annotations


def test_scr_themes_in_a_user_pipeline(tiny_model_dir):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("scr_themes", config={"model": str(tiny_model_dir)})
    doc = nlp(
        "Child A was never seen alone by the social worker. Every agency attended the conference."
    )
    sents = list(doc.sents)
    assert "child_not_seen" in doc._.themes
    assert "child_not_seen" in sents[0]._.themes
    assert sents[1]._.themes == {}
    assert set(sents[1]._.theme_scores["scores"]) == set(doc._.theme_scores)
    docs = list(nlp.pipe(["Housing were not invited to the strategy meeting."] * 3))
    assert all("agency_absence" in d._.themes for d in docs)
