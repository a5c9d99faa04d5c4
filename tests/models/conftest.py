from __future__ import annotations

from scr_nlp.models.base import SentenceInput

# A tiny labelled set: every theme positive at least twice, plus hard negatives.
TRAIN = [
    ("Child A was never seen alone by the social worker.", ("child_not_seen",)),
    (
        "The visits focused on Mother's housing and the baby was asleep each time.",
        ("child_not_seen",),
    ),
    ("No checks were made on Mr X, the new partner.", ("fathers_overlooked",)),
    ("Father was not invited to the conference or assessed.", ("fathers_overlooked",)),
    (
        "She was withdrawn from school to be home educated after the enquiry.",
        ("home_education_concealment",),
    ),
    ("Nobody from the EHE team ever saw the child at home.", ("home_education_concealment",)),
    ("The grandmother's calls were logged as malicious.", ("third_party_concerns_ignored",)),
    ("A neighbour reported screaming but nothing was done.", ("third_party_concerns_ignored",)),
    ("Housing were not invited to the strategy meeting.", ("agency_absence",)),
    (
        "Probation did not attend and held information that was not shared.",
        ("agency_absence", "fathers_overlooked"),
    ),
    ("The social worker saw Child A alone and recorded her wishes.", ()),
    ("Father was fully assessed and attended every core group.", ()),
    ("Practitioners should always see children alone.", ()),
    ("Every agency attended the conference.", ()),
]


def inputs(rows):
    texts = [t for t, _ in rows]
    return [
        SentenceInput(t, texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "")
        for i, t in enumerate(texts)
    ]
