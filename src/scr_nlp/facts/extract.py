"""Read case facts from a segmented review with spaCy rule matchers.

A document's sentences and section headings are tokenised as one Doc by a cached blank
English pipeline. PhraseMatchers (agencies, anonymised labels, outcome cues, review
types) run once over it; token Matchers (ages, social-care statements, titled names,
pseudonyms) run only on sentences holding one of their trigger words, because they are
the costly step. The rules below weigh what they find. Match offsets in a sentence's
folded text are mapped back to ``RawDocument.text`` through ``FoldedText``, so every
evidence span is exact.

Who the subject is. The subject is the person whose death or harm the document is
about: the person most often named by an outcome cue ("Baby F died", "the death of
Child K", "Amy was killed"), else the most frequently named anonymised child ("Child A",
"Baby F", "Young Person D", a pseudonym such as "Leo"). In a child review that is the
child; in a domestic homicide review, a safeguarding adults review or a coroner's
report it is the person who died, who may be an adult (the convention of the real
reports' gold). Parents, partners, "Mr X", grandparents and siblings are never the
subject, so "Mother was 24" is never the child's age.

The document's age (``child_age_years`` / ``child_age_band``). Each age found is tied
to the person it belongs to (the noun after "a 14-year-old", else the nearest person
named before it; "he"/"she" are taken to be the subject when the subject was just
named). An age at an earlier time ("since the age of 7", "His mother died when he was
nine") is never the subject's. Ages score: the subject 3, an unnamed child ("a
nine-year-old boy") 2, anyone else allowed 1; +2 when an outcome cue about the same
person is in the same sentence; +1 in a heading or the opening of the document; -1 when
a year stands just before it (the age on that date). The best score wins (at least 2);
between equal scores the
subject's earliest statement, or with no identifiable subject the youngest child whose
harm is stated. Every child with an age is listed in ``children`` (best age per child).
Where the document names a child subject, ages of 18 and over and ages tied to no
person are not the subject's. Weeks and months are whole years rounded down
("eleven weeks" -> 0, "16 months" -> 1).

Other facts. ``outcome``: death when death cues about the subject ("died", "death of",
"killed", "fatal", "took his own life") outnumber survival cues ("survived", "has
recovered", "non-fatal"), else serious harm when harm cues are present; cues about
other people, hypothetical ones ("would have survived") and generic ones ("a child
has died or been seriously harmed") do not count. ``year``: a year in a sentence that
reports the death, injury or admission, near the cue, preferring the introduction and a
"date of incident" line; years of guidance ("Working Together 2018"), acts, publication
and review decisions are not incident years. ``review_type``: the first description of
the document itself (singular "serious case review", "rapid review", ...; "analysis of
serious case reviews" and other writing across many cases -> thematic).
``known_to_social_care``: no when stated ("not known to children's social care", "no
previous involvement"), unless the statement is limited to an earlier time ("before
2010"); yes when stated or when children's social care was involved; otherwise None.
``child_protection_plan``: yes when the child was subject to a plan (or on the
register) at the time, no when the plan had ended, was never made, the conference
threshold was not met, or the family was not known to social care; plans made after
the incident ("now lives with her aunt under a child protection plan") do not count.
``agencies``: every vocabulary agency named outside the recommendations and outside
guidance sentences ("should ..."), except where the text says it had no involvement;
a prison named only for a parent or partner, and "housing association flat", do not
count. A thematic review or national analysis has no single case: its document facts
are None (children with ages are still listed).

Confidence is a plain score, not a probability: 0.9 for an explicit statement about
the subject, 0.75 for a weaker or single cue, 0.6 for an inference (social care
involvement from an agency mention; an agency named once; a death's year taken from the
latest injury or admission because the death itself is undated).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from scr_nlp._lazy import import_spacy
from scr_nlp.facts import patterns as P
from scr_nlp.facts.offsets import FoldedText
from scr_nlp.facts.records import (
    AgencyFact,
    AgencySet,
    CaseFacts,
    ChildAge,
    Evidence,
    FactValue,
    age_band,
)
from scr_nlp.records import SegmentedDocument

_EXPLICIT, _WEAK, _INFERRED = 0.9, 0.75, 0.6
_OPENING_UNITS = 15
_SUBJECT_KINDS = frozenset({"label", "named", "titled"})
_CHILD_KINDS = frozenset({"label", "sibling", "child_noun", "named"})
_PAST_MARKERS = frozenset({"when", "since", "until", "before", "after", "by", "from"})
# Words just before a year that make it a reference or a review milestone, not the incident.
_REFERENCE_WORDS = frozenset(
    [
        "together",
        "act",
        "acts",
        "guidance",
        "regulations",
        "regulation",
        "edition",
        "published",
        "publication",
        "version",
        "approved",
        "report",
        "reports",
        "commissioned",
        "decided",
        "agreed",
        "notified",
        "held",
        "convened",
        "inquest",
        "concluded",
        "hearing",
        "verdict",
        "policy",
        "policies",
    ]
)
_BEFORE_PERIOD = frozenset({"from", "since", "between", "until", "before", "by", "prior"})
_MODAL = frozenset({"should", "must", "ought"})
_INDEFINITE = frozenset({"a", "an", "any", "every", "each", "no"})
_NOT_PARTICULAR = frozenset({"any", "every", "each", "no", "all", "other", "many", "most"})
_POST_INCIDENT = frozenset({"now", "currently", "placed", "discharged", "lives", "cared"})
_NEGATIONS = frozenset({"not", "never", "no"})
_HISTORY = frozenset({"previous", "previously", "earlier", "prior"})
_SELF = (["himself"], ["herself"], ["themselves"])
_CHILD_WORDS = frozenset({"child", "children", "child's", "baby", "son", "daughter"})
_WHOSE_AGENCIES = frozenset({"prison_or_custody", "mental_health_ambiguous"})
_LIMITS = frozenset({"under", "over", "above", "below"})
_APPOSITION = frozenset({"is", "was", "a", "an", ",", "(", "the", "now", "who"})
# Between units in the one Doc: a token of its own (spaces around it keep the tokenizer's
# cache working) that no pattern can match across.
_SEPARATOR = " \n "


@dataclass
class _Mention:
    start: int  # token indices in the unit
    end: int
    kind: str  # label | sibling | family | child_noun | generic | titled | named | pronoun
    key: str
    generic: bool = False  # "a child", "any child": not a particular person
    pronoun: bool = False  # "he"/"her", even once resolved to whom it stands for


@dataclass
class _Cue:
    kind: str  # DEATH | HARM | SURVIVED | INCIDENT
    start: int
    end: int
    owner: str | None  # person key; None when no person is named


class _Unit:
    """A sentence or a section heading, its tokens and what was found in it. A plain
    slotted class: a document has thousands, and a dataclass with factories is slow to
    build."""

    __slots__ = (
        "index",
        "folded",
        "section",
        "heading",
        "opening",
        "whole",
        "first",
        "last",
        "char_offset",
        "lowers",
        "spelling",
        "phrases",
        "words",
        "mentions",
        "cues",
        "incident_date",
        "social",
        "may_state_age",
    )

    def __init__(self, index: int, folded: FoldedText, section: str, heading: bool):
        self.index, self.folded, self.section, self.heading = index, folded, section, heading
        # title, summary and first paragraphs: where a review states its case
        self.opening = heading or index < _OPENING_UNITS or section == "introduction"
        self.whole = None  # the document's one Doc (all units, see _tokenize)
        self.first = self.last = 0  # this unit's tokens in it
        self.char_offset = 0  # where this unit's text starts in the Doc's text
        self.lowers: list[str] = []
        self.spelling: tuple = ()  # (the Doc's text, token starts, token lengths)
        self.phrases: dict[str, list[tuple[str, int, int]]] = {}
        self.words: frozenset[str] = frozenset()
        self.mentions: list[_Mention] = []
        self.cues: list[_Cue] = []
        self.incident_date = False
        self.social: list[tuple[str, int, int]] | None = None
        self.may_state_age: bool | None = None

    @property
    def span(self):
        """The unit as a spaCy Span, for a token Matcher (made only when one runs)."""
        return self.whole[self.first : self.last]

    def token(self, i: int):
        return self.whole[self.first + i]

    def written(self, start: int, end: int) -> list[str]:
        """Tokens ``start`` to ``end`` as written (only labels and names need the case)."""
        text, starts, lengths = self.spelling
        first = self.first
        return [
            text[i : i + n]
            for i, n in zip(
                starts[first + start : first + end],
                lengths[first + start : first + end],
                strict=True,
            )
        ]

    def char(self, token: int) -> int:
        """Offset of a token in this unit's folded text."""
        return self.token(token).idx - self.char_offset

    def evidence(self, start_token: int, end_token: int) -> Evidence:
        last = self.token(end_token - 1)
        start, end = self.folded.span(self.char(start_token), self.char(end_token - 1) + len(last))
        return Evidence(start, end, self.folded.original[start:end])


@dataclass
class _Age:
    unit: _Unit
    start: int
    end: int
    years: int
    owner: _Mention | None
    owner_key: str | None
    past: bool
    dated: bool  # a year just before it: the age on that (earlier) date
    score: int = 0

    def fact(self) -> FactValue:
        confidence = _EXPLICIT if self.score >= 5 else _WEAK if self.score >= 3 else _INFERRED
        return FactValue(self.years, confidence, (self.unit.evidence(self.start, self.end),))


class _Matchers:
    """The cached pipeline: a blank English tokenizer and every matcher, built once."""

    def __init__(self):
        import_spacy()
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        from scr_nlp.segmenting import sentence_pipeline

        # The segmenter's tokenizer: facts are read from documents it has just segmented,
        # and a second blank pipeline would cost 0.15 s of every `tag FILE`.
        self.nlp = nlp = sentence_pipeline()
        vocab = nlp.vocab
        self.strings = vocab.strings
        self.labels = PhraseMatcher(vocab)
        for label, sequences in P.label_phrases().items():
            self.labels.add(label, [Doc(vocab, words=words) for words in sequences])
        self.titled = self._patterns(Matcher(vocab), P.titled_patterns())
        self.pseudonyms = self._patterns(Matcher(vocab), {"NAME": P.pseudonym_patterns()})
        self.ages = self._patterns(Matcher(vocab), P.age_patterns(), greedy="LONGEST")
        social = P.social_care_patterns()
        known = ("KNOWN_YES_TO", "KNOWN_NO_TO", "KNOWN_NO")
        self.known = self._patterns(Matcher(vocab), {k: social[k] for k in known})
        self.plan = self._patterns(
            Matcher(vocab), {k: social[k] for k in ("PLAN_YES", "PLAN_NO")}, greedy="LONGEST"
        )
        self.many_reviews = self._patterns(Matcher(vocab), {"thematic": P.many_reviews_patterns()})
        # One pass over the text for every lower-case phrase list: "group:label" keys.
        self.phrase_lists = self._phrases(
            PhraseMatcher(vocab, attr="LOWER"),
            {
                f"{group}:{label}": texts
                for group, lists in (
                    ("young", {"YOUNG_ADULT": ["young woman", "young man"]}),
                    ("cues", P.CUE_PHRASES),
                    ("review_types", P.REVIEW_TYPE_PHRASES),
                    ("agencies", P.AGENCY_PHRASES),
                    ("social_work", {"KNOWN_YES": P.SOCIAL_WORK_PHRASES}),
                    ("csc", {"CSC": P.CSC_NAMES}),
                )
                for label, texts in lists.items()
            },
        )
        self.agency_cased = self._phrases(
            PhraseMatcher(vocab), {f"agencies:{k}": v for k, v in P.AGENCY_CASED.items()}
        )

    @staticmethod
    def _patterns(matcher, patterns: dict, greedy: str | None = None):
        for label, label_patterns in patterns.items():
            matcher.add(label, label_patterns, greedy=greedy)
        return matcher

    def _phrases(self, matcher, phrases: dict[str, list[str]]):
        for label, texts in phrases.items():
            matcher.add(label, list(self.nlp.tokenizer.pipe(texts)))
        return matcher

    def run(self, matcher, unit: _Unit, triggers: frozenset[str] | None = None):
        """(label, start, end) token matches in a unit, or none at all when no trigger
        word is present."""
        if triggers is not None and not unit.words & triggers:
            return []
        return [(self.strings[i], start, end) for i, start, end in matcher(unit.span)]

    def phrases(self, units: list[_Unit], doc) -> None:
        """Run the PhraseMatchers once over the whole document (fast) and hand each unit
        its matches, by group, in unit token offsets. Agency names that overlap ("school"
        in "school nurse", "hospital" in "psychiatric hospital") keep the longest."""
        found: dict[str, list[tuple[str, int, int]]] = {"labels": []}
        agencies = []
        for i, start, end in [*self.phrase_lists(doc), *self.agency_cased(doc)]:
            group, label = self.strings[i].split(":", 1)
            (agencies if group == "agencies" else found.setdefault(group, [])).append(
                (label, start, end)
            )
        found["labels"] = [(self.strings[i], s, e) for i, s, e in self.labels(doc)]
        found["agencies"] = _longest(agencies)
        starts = [u.first for u in units]
        for name, matches in found.items():
            for label, start, end in matches:
                unit = units[bisect_right(starts, start) - 1]
                unit.phrases.setdefault(name, []).append(
                    (label, start - unit.first, end - unit.first)
                )


def _longest(matches: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Of overlapping matches keep the longest (then the first), as spaCy's filter_spans
    does, without making a Span for each."""
    kept, taken = [], set()
    for label, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if taken.isdisjoint(range(start, end)):
            kept.append((label, start, end))
            taken.update(range(start, end))
    return sorted(kept, key=lambda m: m[1])


@lru_cache(maxsize=1)
def _pipeline() -> _Matchers:
    return _Matchers()


def warm_up() -> None:
    """Build the matchers now (0.3 s), e.g. while a model loads in another thread."""
    _pipeline()


def extract_facts(seg: SegmentedDocument) -> CaseFacts:
    """Facts the text states about its case; None where it does not state them."""
    m = _pipeline()
    units = _units(seg)
    _tokenize(m, units)
    names = _pseudonyms(m, units)
    for unit in units:
        unit.mentions = _mentions(m, unit, names)
        unit.cues = _cues(unit)
    subject = _subject(units)
    _resolve_pronouns(units, subject)

    review_type = _review_type(m, sorted(units + _furniture(m, seg), key=lambda u: u.folded.start))
    ages = _ages(m, units)
    children = _children(ages, subject)
    if review_type is not None and review_type.value == "thematic":
        return CaseFacts(review_type=review_type, children=children)
    subject_age = _subject_age(ages, subject)
    age = subject_age.fact() if subject_age else None
    outcome = _outcome(units, subject)
    known, plan = _social_care(m, units)
    agencies = _agencies(m, units, age, subject)
    if known is None and agencies is not None:
        csc = next((a for a in agencies.by_agency if a.agency == "childrens_social_care"), None)
        if csc is not None:
            known = FactValue("yes", _INFERRED, csc.evidence[:1])
    return CaseFacts(
        child_age_years=age,
        child_age_band=None
        if age is None
        else FactValue(age_band(age.value), age.confidence, age.evidence),
        children=children,
        outcome=outcome,
        year=_year(units, subject, outcome, subject_age.unit if subject_age else None),
        review_type=review_type,
        known_to_social_care=known,
        child_protection_plan=plan,
        agencies=agencies,
    )


def _tokenize(m: _Matchers, units: list[_Unit]) -> None:
    """One Doc for the whole document (one tokenizer call is much cheaper than one per
    sentence), units joined by a newline token that no pattern can cross; each unit
    gets its place in it and its lower-cased words, sliced from the text rather than read
    from a Token object per token."""
    from spacy.attrs import IDX, LENGTH

    joined = _SEPARATOR.join(u.folded.text for u in units)
    # The tokenizer itself: make_doc refuses texts over nlp.max_length (a million
    # characters), a guard for the parser's memory that a tokenizer does not need.
    doc = m.nlp.tokenizer(joined)
    token_starts = doc.to_array(IDX).tolist()
    lowered = joined.lower()
    lengths = doc.to_array(LENGTH).tolist()
    spelling = (joined, token_starts, lengths)
    if len(lowered) == len(joined):
        lowers = [lowered[i : i + n] for i, n in zip(token_starts, lengths, strict=True)]
    else:  # a character whose lower case is longer: ask spaCy
        lowers = [t.lower_ for t in doc]
    offset = 0
    for unit in units:
        end_char = offset + len(unit.folded.text)
        a, b = bisect_left(token_starts, offset), bisect_left(token_starts, end_char)
        unit.whole, unit.first, unit.last, unit.char_offset = doc, a, b, offset
        unit.lowers, unit.spelling = lowers[a:b], spelling
        unit.words = frozenset(unit.lowers)
        offset = end_char + len(_SEPARATOR)
    m.phrases(units, doc)


def _units(seg: SegmentedDocument) -> list[_Unit]:
    """Sentences and section headings in document order (titles state facts too)."""
    text = seg.raw.text
    items = [
        (s.start, FoldedText.heading(text, s.start, s.heading), s.kind, True)
        for s in seg.sections
        if s.heading
    ]
    items += [
        (s.start, FoldedText(text, s.start, s.end, s.text), s.section, False) for s in seg.sentences
    ]
    items.sort(key=lambda item: (item[0], not item[3]))
    return [_Unit(i, folded, kind, heading) for i, (_, folded, kind, heading) in enumerate(items)]


def _furniture(m: _Matchers, seg: SegmentedDocument) -> list[_Unit]:
    """Lines clean-up removed as running headers: "SERIOUS CASE REVIEW: CHILD G" repeated
    on every page is still the document saying what it is. Read for the review type only."""
    text = seg.raw.text
    units = []
    for start, end in seg.removed:
        line = " ".join(text[start:end].split())
        if sum(ch.isalpha() for ch in line) >= 6:
            units.append(_Unit(0, FoldedText(text, start, end, line), "other", True))
    if units:
        _tokenize(m, units)
    return units


# People ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    written: frozenset[str]
    lower: frozenset[str]


def _pseudonyms(m: _Matchers, units: list[_Unit]) -> _Names:
    """Names the review gives its people: '"Leo"' in a heading or the first lines (quotes
    later are mostly speech), 'referred to as Adam' anywhere."""
    names = set()
    for unit in units:
        words = unit.words
        introduced = words & P.NAMING_WORDS or (
            "as" in words
            and ("referred" in words or any(a == "known" and b == "as" for a, b in _pairs(unit)))
        )
        title = unit.heading or unit.index < _OPENING_UNITS
        if not (introduced or (title and words & P.QUOTES)):
            continue
        for _, start, end in m.run(m.pseudonyms, unit):
            name = next(t for t in reversed(unit.written(start, end)) if t.isalpha())
            lower = name.lower()
            if lower not in P.PERSON_WORDS and lower not in P.MONTHS and len(lower) <= 12:
                names.add(name)
    return _Names(frozenset(names), frozenset(n.lower() for n in names))


def _pairs(unit: _Unit):
    return zip(unit.lowers, unit.lowers[1:], strict=False)


def _mentions(m: _Matchers, unit: _Unit, names: _Names) -> list[_Mention]:
    """People named in a unit: labels, titled adults and pseudonyms everywhere; roles
    ("mother", "the boy", "he") only where a rule will ask whose something is."""
    lowers = unit.lowers
    found: list[_Mention] = []
    taken: set[int] = set()
    people = unit.phrases.get("labels", []) + unit.phrases.get("young", [])
    if unit.words & P.TITLE_WORDS:
        people += m.run(m.titled, unit)
    for label, start, end in sorted(people, key=lambda x: (x[1], -x[2])):
        if taken.intersection(range(start, end)):
            continue
        words = [w for t in unit.written(start, end) if (w := t.rstrip("."))]
        key = " ".join(words)
        kind = {"TITLED": "titled", "YOUNG_ADULT": "generic", "SIBLING": "sibling"}.get(
            label, "label"
        )
        if kind in ("label", "sibling"):
            key = " ".join([*(w.capitalize() for w in words[:-1]), words[-1]])
        found.append(_Mention(start, end, kind, key))
        taken.update(range(start, end))
    roles = _asks_whose(m, unit)
    if not roles and not unit.words & names.lower:
        return found
    for i, lower in enumerate(lowers):
        kind = P.ROLE_KINDS.get(lower) if roles else None
        if i in taken or (kind is None and lower not in names.lower):
            continue
        if kind is None:
            (written,) = unit.written(i, i + 1)
            if written in names.written:
                found.append(_Mention(i, i + 1, "named", written))
            continue
        if kind == "child_noun":
            following = lowers[i + 1 : i + 3]
            if following[:1] and following[0] in P.CHILD_COMPOUNDS:
                continue  # "child protection", "child cruelty": not a person
            if following[:1] == ["of"] and not _is_number(following[-1]):
                kind = "group"  # "the child of a previous partner": someone else's child
        generic = i > 0 and lowers[i - 1] in _INDEFINITE
        found.append(_Mention(i, i + 1, kind, lower, generic, pronoun=kind == "pronoun"))
    found.sort(key=lambda x: x.start)
    return found


def _asks_whose(m: _Matchers, unit: _Unit) -> bool:
    """Whether any rule will ask whose a thing in this unit is: an outcome cue, an age,
    a "not known to social care", a prison or a mental health service."""
    return bool(
        unit.phrases.get("cues")
        or any(a[0] in _WHOSE_AGENCIES for a in unit.phrases.get("agencies", ()))
        or unit.words & P.MENTAL_HEALTH_CONTEXT
        or {"mental", "act"} <= unit.words
        or _may_state_age(unit)
        or any(label == "KNOWN_NO" for label, _, _ in _social(m, unit))
    )


def _nearest_left(unit: _Unit, position: int, skip_pronouns: bool = False) -> _Mention | None:
    best = None
    for mention in unit.mentions:
        if mention.end > position:
            break
        if not (skip_pronouns and mention.pronoun):
            best = mention
    return best


def _owner_key(mention: _Mention | None) -> str | None:
    if mention is None or mention.generic:
        return None
    return mention.key


def _cues(unit: _Unit) -> list[_Cue]:
    lowers = unit.lowers
    cues = []
    for kind, start, end in unit.phrases.get("cues", []):
        if kind == "INCIDENT_DATE":
            unit.incident_date = True
            continue
        before = lowers[max(0, start - 3) : start]
        if set(before) & P.MODAL_BEFORE_CUE or (end < len(lowers) and lowers[end] == "or"):
            continue  # "would have survived", "died or was seriously harmed"
        if kind == "DEATH" and {"non", "near"} & set(before[-2:]):
            continue
        if kind == "HARM" and (before[-2:] == ["self", "-"] or lowers[end : end + 1] in _SELF):
            continue  # self-harm is behaviour, not the harm a review is about
        owner = _cue_owner(unit, start, end)
        if owner is not None and owner.generic:
            continue  # "the death of a child": guidance, not this case
        cues.append(_Cue(kind, start, end, owner.key if owner else None))
    return cues


def _cue_owner(unit: _Unit, start: int, end: int) -> _Mention | None:
    """Whose death or harm: the person after "death of", else the nearest person before
    it, passing over possessives that qualify something else ("his grandmother's house
    ... with facial injuries") but not one that owns the cue ("Child K's death")."""
    lowers = unit.lowers
    if end < len(lowers) and lowers[end] == "of":
        for mention in unit.mentions:
            if end < mention.start <= end + 8:
                return mention
    best = None
    for mention in unit.mentions:
        if mention.end > start:
            break
        possessive = lowers[mention.end : mention.end + 1] in (["'s"], ["’s"])
        if not possessive or mention.end + 1 >= start - 1:
            best = mention
    return best


def _subject(units: list[_Unit]) -> _Mention | None:
    """The person the document is about: most named by outcome cues, else most named."""
    by_key: dict[str, _Mention] = {}
    victims: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for unit in units:
        for mention in unit.mentions:
            if mention.kind in ("label", "named"):
                named[mention.key] += 1
            if mention.kind in _SUBJECT_KINDS:
                by_key.setdefault(mention.key, mention)
        for cue in unit.cues:
            if cue.owner in by_key and cue.kind != "INCIDENT":
                victims[cue.owner] += 1
    candidates = [k for k, _ in victims.most_common() if by_key[k].kind != "titled" or not named]
    if candidates:
        return by_key[candidates[0]]  # a coroner's "Mr X" only where no child is named
    if named:
        return by_key[named.most_common(1)[0][0]]
    return None


def _resolve_pronouns(units: list[_Unit], subject: _Mention | None) -> None:
    """ "he"/"she"/"his"/"her" -> the subject when the subject was just named; else the
    nearest person named before it in the sentence. Cue owners follow."""
    recent = [False, False]
    for unit in units:
        here = subject is not None and any(x.key == subject.key for x in unit.mentions)
        recent = [recent[-1], here]
        for mention in unit.mentions:
            if mention.kind != "pronoun":
                continue
            resolved = subject if subject is not None and any(recent) else None
            resolved = resolved or _nearest_left(unit, mention.start, skip_pronouns=True)
            if resolved is not None:
                mention.kind, mention.key = resolved.kind, resolved.key
        for cue in unit.cues:
            if cue.owner in P.PRONOUNS:
                owner = _cue_owner(unit, cue.start, cue.end)
                cue.owner = _owner_key(owner) if owner and owner.kind != "pronoun" else None


# Ages ---------------------------------------------------------------------------------


def _quantity(words: list[str]) -> int | None:
    """ "14", "fourteen", "twenty-two", "a" -> an int; None for ranges and non-ages."""
    values = []
    for word in words:
        if word == "-":
            continue
        if word.isdigit():
            values.append(int(word))
        elif word in P.NUMBER_WORDS:
            values.append(P.NUMBER_WORDS[word])
        elif word in P.TENS:
            values.append(P.TENS[word])
        elif word in ("a", "an"):
            values.append(1)
        else:
            return None
    if len(values) == 1:
        return values[0]
    if len(values) == 2 and values[0] in P.TENS.values() and values[1] < 10:
        return values[0] + values[1]
    return None


def _age_years(words: list[str]) -> int | None:
    """Whole years stated by an age phrase: "three years and two months" -> 3,
    "eleven weeks" -> 0, "before his eighteenth birthday" -> 17."""
    if words[-1] == "birthday":
        ordinal = P.ORDINALS.get(words[-2])
        return None if ordinal is None else ordinal - (words[0] == "before")
    total, number, with_unit = 0.0, [], False
    for word in words:
        if word in P.AGE_UNITS:
            value = _quantity(number)
            if value is None:
                return None
            total += value * P.AGE_UNITS[word]
            number, with_unit = [], True
        elif word in ("-", "a", "an") or word.isdigit() or word in P.NUMBER_WORDS or word in P.TENS:
            if not (with_unit and word == "-"):
                number.append(word)
        elif number:
            break
    if not with_unit:
        value = _quantity(number) if number else None
        if value is None:
            return None
        total = value
    years = int(total + 1e-9)
    return years if 0 <= years <= 110 else None


def _is_number(word: str) -> bool:
    return word.isdigit() or word in P.NUMBER_WORDS or word in P.TENS


def _may_state_age(unit: _Unit) -> bool:
    """Cheap test before the age Matcher: every age pattern has "aged", "age", "old" or
    "birthday" and a number, or a number right after "was"/"then"/"of". Kept on the unit:
    two rules ask."""
    if unit.may_state_age is None:
        words = unit.words
        numbers = words & P.NUMBER_VOCABULARY or any(w.isdigit() for w in words)
        lowers = unit.lowers
        unit.may_state_age = bool(numbers) and bool(
            (words & P.AGE_WORDS)
            or (
                words & P.NUMBER_AFTER
                and any(
                    w in P.NUMBER_AFTER and _is_number(n)
                    for w, n in zip(lowers, lowers[1:], strict=False)
                )
            )
        )
    return unit.may_state_age


def _ages(m: _Matchers, units: list[_Unit]) -> list[_Age]:
    ages = []
    for unit in units:
        if not _may_state_age(unit):
            continue
        lowers = unit.lowers
        for label, start, end in m.run(m.ages, unit):
            if label != "AGE":
                end -= 1  # drop the guard token
            if _is_range(lowers, end) or _is_threshold(lowers, start):
                continue
            years = _age_years(lowers[start + 1 if label == "AGE_BARE" else start : end])
            if years is None:
                continue
            owner = _age_owner(unit, start, end)
            if label == "AGE_BARE" and (owner is None or owner.end != start):
                continue  # "was 81 per cent", "her score was 14": not a person's age
            past = _is_past(unit, start, owner)
            dated = any(_is_year(w) for w in lowers[max(0, start - 4) : start])
            ages.append(_Age(unit, start, end, years, owner, _owner_key(owner), past, dated))
    return ages


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and 1950 <= int(word) <= 2035


def _is_range(lowers: list[str], end: int) -> bool:
    """ "aged 11 to 15", "aged 16 and 17": several children, not one age."""
    follow = lowers[end : end + 2]
    return (
        len(follow) == 2
        and follow[0] in ("to", "-", "and", "or", "–")
        and _quantity([follow[1]]) is not None
    )


def _is_threshold(lowers: list[str], start: int) -> bool:
    """ "under the age of 18", "adults over the age of 70": a limit, not an age."""
    before = lowers[max(0, start - 2) : start]
    return bool(set(before) & _LIMITS) or lowers[start + 1 : start + 2] in (["under"], ["over"])


def _age_owner(unit: _Unit, start: int, end: int) -> _Mention | None:
    """Whose age: the noun it describes ("a 14-year-old girl", "a girl of thirteen"),
    else the nearest person named before it, else just after it; a noun standing for a
    name beside it ("Child Q is a girl aged three", "Rosa was a 34-year-old mother")
    gives way to the name."""
    if unit.lowers[end - 1] == "old":
        noun = next((x for x in unit.mentions if end <= x.start <= end + 1 and not x.pronoun), None)
    else:
        noun = next((x for x in unit.mentions if x.start == start), None)
    if noun is None:
        noun = _nearest_left(unit, start)
        named = _nearest_left(unit, start, skip_pronouns=True)
        injury_between = any(
            named is None or c.start >= named.end
            for c in unit.cues
            if c.kind == "HARM" and c.end <= start
        )
        if injury_between and unit.lowers[end - 1] == "old":
            return None  # "a burn ... about a week old": the injury's age
        if noun is None:
            return _name_before(unit, start) or next(
                (x for x in unit.mentions if end <= x.start <= end + 6), None
            )
        if noun.kind not in ("child_noun", "generic", "family") or noun.end < start - 3:
            return noun
    if noun.kind in ("child_noun", "generic", "family"):
        return _named_in_apposition(unit, min(noun.start, start), noun)
    return noun


def _named_in_apposition(unit: _Unit, start: int, noun: _Mention) -> _Mention:
    """The name a noun stands beside: before it with "is a"/"," between, or right after
    it ('a 16-year-old girl "Maya"'); else the noun itself."""
    lowers = unit.lowers
    left = _nearest_left(unit, start)
    if (
        left is not None
        and left.kind in _SUBJECT_KINDS
        and set(lowers[left.end : start]) <= _APPOSITION
    ):
        return left
    after = next((x for x in unit.mentions if noun.end <= x.start <= noun.end + 2), None)
    if after is not None and after.kind in ("label", "named"):
        return after
    indefinite = lowers[noun.start - 1 : noun.start] in (["a"], ["an"])
    if indefinite or noun.generic:  # "Rosa was a 34-year-old mother"
        return _name_before(unit, start) or noun
    return noun


def _name_before(unit: _Unit, start: int) -> _Mention | None:
    """An unintroduced name ("Rosa was 17", "Rosa was a ..."): a capitalised word,
    not a role, just before "was"/"is" (and "a") ahead of the age."""
    lowers = unit.lowers
    i = start - 1
    if i >= 0 and lowers[i] in ("a", "an"):
        i -= 1
    if i < 1 or lowers[i] not in ("was", "is"):
        return None
    token = unit.token(i - 1)
    word = lowers[i - 1]
    if not token.is_title or word in P.NOT_NAMES or word in P.PERSON_WORDS:
        return None
    return _Mention(i - 1, i, "named", token.text)


def _is_past(unit: _Unit, start: int, owner: _Mention | None) -> bool:
    """An age at an earlier point: "since the age of 7", "since age 12", "His mother
    died when he was nine". A "when" clause dates the sentence's own event, so it is the
    age at the incident when that event is the owner's harm or admission ("In 2023, when
    he was twelve, Leo was taken to hospital"), unless told as history ("had been")."""
    lowers = unit.lowers
    if lowers[start] in ("age", "aged"):
        i = start - 1 - (start > 0 and lowers[start - 1] == "the")
        if i >= 0 and lowers[i] in _PAST_MARKERS:
            return True
    if owner is None or owner.start == 0 or owner.end > start:
        return False
    marker = set(lowers[max(0, owner.start - 2) : owner.start]) & _PAST_MARKERS
    if marker == {"when"}:
        own_event = any(c.owner == owner.key for c in unit.cues)
        return not own_event or "had" in unit.words
    return bool(marker)


def _is_child_label(subject: _Mention | None) -> bool:
    return subject is not None and subject.kind == "label" and not subject.key.startswith("Adult")


def _score_age(age: _Age, subject: _Mention | None) -> int | None:
    """How likely this is the subject's age at the time; None when it cannot be."""
    owner = age.owner
    kind = None if owner is None else owner.kind
    child_subject = _is_child_label(subject)
    if kind in ("family", "sibling") or age.past:
        return None  # someone else's age, or the subject's at an earlier time
    if child_subject and age.years >= 18:
        return None
    if subject is not None and age.owner_key == subject.key:
        score = 3
    elif kind == "child_noun" and (subject is None or child_subject):
        score = 2
    elif kind == "group" or (
        subject is not None
        and (kind in (None, "titled", "child_noun") or (kind == "generic" and child_subject))
    ):
        return None  # the document names its subject; this age belongs to someone else
    else:
        score = 1
    if any(c.owner == age.owner_key or c.owner is None for c in age.unit.cues):
        score += 2
    if age.unit.opening:
        score += 1
    if age.dated:
        score -= 1
    return score


def _subject_age(ages: list[_Age], subject: _Mention | None) -> _Age | None:
    """The subject's age (see the module docstring for the rule)."""
    scored = [(s, a) for a in ages if (s := _score_age(a, subject)) is not None and s >= 2]
    if not scored:
        return None
    top = max(s for s, _ in scored)
    best = [a for s, a in scored if s == top]
    chosen = next(
        (a for a in best if subject is not None and a.owner_key == subject.key),
        min(best, key=lambda a: a.years),
    )
    chosen.score = top
    return chosen


def _children(ages: list[_Age], subject: _Mention | None) -> tuple[ChildAge, ...]:
    """Each child with an age, once, with the best-supported age."""
    best: dict[str, tuple[int, _Age]] = {}
    for age in ages:
        owner = age.owner
        if owner is None or owner.kind not in _CHILD_KINDS or age.years >= 18:
            continue
        if owner.kind == "label" and owner.key.startswith("Adult"):
            continue
        score = (0 if age.past else 2) + age.unit.opening + bool(age.unit.cues)
        if owner.key not in best or score > best[owner.key][0]:
            best[owner.key] = (score, age)
    children = [
        ChildAge(
            key,
            age.years,
            (age.unit.evidence(age.start, age.end),),
            _EXPLICIT if score >= 3 else _WEAK,
        )
        for key, (score, age) in best.items()
    ]
    subject_key = subject.key if subject is not None else None
    children.sort(key=lambda c: (c.label != subject_key, c.evidence[0].start))
    return tuple(children)


# Outcome and year ---------------------------------------------------------------------


def _about_subject(cue: _Cue, subject: _Mention | None, unit: _Unit) -> bool:
    if cue.owner is None:
        return True
    if subject is not None:
        return cue.owner == subject.key
    owner = next((x for x in unit.mentions if x.key == cue.owner), None)
    return owner is None or owner.kind not in ("family", "sibling")


def _outcome(units: list[_Unit], subject: _Mention | None) -> FactValue | None:
    weights: Counter[str] = Counter()
    evidence: dict[str, list[Evidence]] = {"DEATH": [], "HARM": [], "SURVIVED": []}
    for unit in units:
        if unit.section == "recommendations":
            continue
        for cue in unit.cues:
            if cue.kind == "INCIDENT" or not _about_subject(cue, subject, unit):
                continue
            weights[cue.kind] += 2 if unit.opening else 1
            if len(evidence[cue.kind]) < 3:
                evidence[cue.kind].append(unit.evidence(cue.start, cue.end))
    death, survived, harm = weights["DEATH"], weights["SURVIVED"], weights["HARM"]
    if death and death >= survived:
        value, kind, weight = "death", "DEATH", death
    elif survived or harm:
        value, kind, weight = "serious_harm", "SURVIVED" if survived else "HARM", survived or harm
    else:
        return None
    return FactValue(value, _EXPLICIT if weight >= 3 else _WEAK, tuple(evidence[kind]))


def _year(
    units: list[_Unit], subject: _Mention | None, outcome: FactValue | None, age_unit: _Unit | None
) -> FactValue | None:
    """The year of the death or injury: a year near a cue about the subject, or in the
    opening sentence that gives the subject's age ("nine years old when, in May 2016,").
    For a death, a year next to the death itself wins; failing that, the latest year of
    an injury or admission (a death follows the events that led to it)."""
    wanted = {"death": ("DEATH",), "serious_harm": ("HARM", "SURVIVED", "INCIDENT")}.get(
        outcome.value if outcome else "", ()
    )
    candidates = []
    for unit in units:
        cues = [c for c in unit.cues if _about_subject(c, subject, unit)]
        states_age = unit is age_unit and unit.opening
        if not (cues or unit.incident_date or states_age):
            continue
        lowers = unit.lowers
        history = bool(unit.words & _HISTORY)
        for i, word in enumerate(lowers):
            if not _is_year(word):
                continue
            date_start = _date_start(lowers, i)
            before = lowers[max(0, date_start - 4) : date_start]
            if set(before) & _REFERENCE_WORDS or (before and before[-1] in _BEFORE_PERIOD):
                continue
            if _starts_period(lowers, date_start):
                continue
            near = [c for c in cues if abs(c.start - i) <= 20]
            if not (near or unit.incident_date or states_age):
                continue
            hits = any(c.kind in wanted for c in near)
            score = 4 * unit.incident_date + 2 * states_age + unit.opening - 2 * history
            if near:
                score += 3 if hits else 1
                score += any(c.kind != "INCIDENT" for c in near)
                score += min(abs(c.start - i) for c in near) <= 6
            on_target = hits or unit.incident_date or states_age
            candidates.append((on_target, score, int(word), unit, date_start, i + 1))
    targeted = [c for c in candidates if c[0] and c[1] >= 3]
    if targeted:
        _, score, year, unit, start, end = max(targeted, key=lambda c: c[1])  # first of the best
        return FactValue(year, _EXPLICIT if score >= 5 else _WEAK, (unit.evidence(start, end),))
    if outcome is not None and outcome.value == "death":
        leading = [c for c in candidates if c[1] >= 3]
        if leading:
            _, _, year, unit, start, end = max(leading, key=lambda c: c[2])
            return FactValue(year, _INFERRED, (unit.evidence(start, end),))
    return None


def _starts_period(lowers: list[str], date_start: int) -> bool:
    """ "from Child RB's birth in November 2015 to ...": the start of a period reviewed."""
    before = lowers[max(0, date_start - 6) : date_start]
    return "from" in before and "to" not in before[before.index("from") :]


def _date_start(lowers: list[str], year_index: int) -> int:
    """Back over "14 March" or "March" to the start of the date."""
    start = year_index
    if start > 0 and lowers[start - 1] in P.MONTHS:
        start -= 1
        if start > 0 and lowers[start - 1].isdigit():
            start -= 1
    return start


# Review type -------------------------------------------------------------------------


def _review_type(m: _Matchers, units: list[_Unit]) -> FactValue | None:
    """The first description of the document itself; plural mentions are other reviews,
    and writing across many reviews is thematic."""
    for unit in units:
        found = [
            f
            for f in unit.phrases.get("review_types", [])
            if f[0] != "thematic_opening" or unit.opening
        ]
        found = [("thematic" if f[0] == "thematic_opening" else f[0], f[1], f[2]) for f in found]
        found += [
            ("thematic", s, e) for _, s, e in m.run(m.many_reviews, unit, P.MANY_REVIEWS_TRIGGERS)
        ]
        if not found:
            continue
        thematic = [f for f in found if f[0] == "thematic"]
        label, start, end = (
            thematic[0] if thematic else min(found, key=lambda f: (f[1], f[1] - f[2]))
        )
        return FactValue(label, _EXPLICIT if unit.opening else _WEAK, (unit.evidence(start, end),))
    return None


# Social care ----------------------------------------------------------------------------


def _social(m: _Matchers, unit: _Unit) -> list[tuple[str, int, int]]:
    """Social-care statements in a unit, matched once and only where one can be: a
    statement (known to, no involvement with) naming social care or the family, or
    words about a plan or the register."""
    if unit.social is None:
        words = unit.words
        found = list(unit.phrases.get("social_work", []))
        care = words & P.SOCIAL_CARE_WORDS
        negative = words & P.NEGATION_WORDS
        known, contact = words & P.KNOWN_WORDS, words & P.CONTACT_WORDS
        if (care and known) or (negative and (known or contact) and (care or "family" in words)):
            found += _known_statements(m, unit)
        plan = words & {"plan", "plans"}
        if (plan and (negative or "protection" in words)) or words & P.PLAN_WORDS:
            found += m.run(m.plan, unit)
        unit.social = found
    return unit.social


def _known_statements(m: _Matchers, unit: _Unit) -> list[tuple[str, int, int]]:
    """ "known to the local children's services": a statement pattern that ends where a
    name of children's social care begins, as one match."""
    names = {start: end for _, start, end in unit.phrases.get("csc", ())}
    statements = []
    for label, start, end in m.run(m.known, unit):
        if label == "KNOWN_NO":
            statements.append((label, start, end))
        elif end in names:
            statements.append((label.removesuffix("_TO"), start, names[end]))
    return statements


def _social_care(m: _Matchers, units: list[_Unit]):
    """(known_to_social_care, child_protection_plan), each a FactValue or None."""
    found: dict[str, list[Evidence]] = {
        "KNOWN_YES": [],
        "KNOWN_NO": [],
        "PLAN_YES": [],
        "PLAN_NO": [],
    }
    for unit in units:
        if unit.section == "recommendations" or _is_guidance(unit):
            continue
        statements = _social(m, unit)
        negative = [(s, e) for label, s, e in statements if label.endswith("_NO")]
        for label, start, end in statements:
            if label == "KNOWN_NO" and (_limited_in_time(unit.lowers) or _about_adult(unit, start)):
                continue
            if label == "PLAN_YES" and unit.words & _POST_INCIDENT:
                continue  # a plan made after the incident
            if label.endswith("_YES") and (
                _NEGATIONS & set(unit.lowers[max(0, start - 5) : start])
                or any(s <= start and end <= e for s, e in negative)
            ):
                continue  # "had never been subject to a child protection plan"
            found[label].append(unit.evidence(start, end))
    known = plan = None
    if found["KNOWN_NO"]:
        known = FactValue("no", _EXPLICIT, tuple(found["KNOWN_NO"][:3]))
    elif found["KNOWN_YES"] or found["PLAN_YES"]:
        known = FactValue("yes", _EXPLICIT, tuple((found["KNOWN_YES"] + found["PLAN_YES"])[:3]))
    if found["PLAN_NO"]:
        plan = FactValue("no", _EXPLICIT, tuple(found["PLAN_NO"][:3]))
    elif found["PLAN_YES"]:
        plan = FactValue("yes", _EXPLICIT, tuple(found["PLAN_YES"][:3]))
    elif known is not None and known.value == "no":
        plan = FactValue("no", _INFERRED, known.evidence)
    return known, plan


def _is_guidance(unit: _Unit) -> bool:
    """ "Practitioners should ...": what ought to happen, not what did ("should have"
    and a reported decision are about this case)."""
    lowers = unit.lowers
    return bool(unit.words & _MODAL) and any(
        word in _MODAL
        and lowers[i + 1 : i + 2] != ["have"]
        and "that" not in lowers[max(0, i - 3) : i]  # "decided that work should continue"
        for i, word in enumerate(lowers)
    )


def _limited_in_time(lowers: list[str]) -> bool:
    """ "Before 2010 Child L was not known ...": true then, not at the time of harm."""
    return any(
        word in ("before", "until", "prior")
        and i + 1 < len(lowers)
        and len(lowers[i + 1]) == 4
        and lowers[i + 1].isdigit()
        for i, word in enumerate(lowers)
    )


def _about_adult(unit: _Unit, start: int) -> bool:
    left = _nearest_left(unit, start)
    return left is not None and left.kind in ("family", "titled")


# Agencies -------------------------------------------------------------------------------


def _agencies(
    m: _Matchers, units: list[_Unit], age: FactValue | None, subject: _Mention | None
) -> AgencySet | None:
    child_age = age is not None and 5 <= age.value <= 17
    child_subject = _is_child_label(subject)
    seen: dict[str, list[tuple[_Unit, int, int]]] = {}
    for unit in units:
        if unit.section == "recommendations" or "panel" in unit.words or _is_guidance(unit):
            continue  # recommendations, who sat on the review panel, guidance
        matches = unit.phrases.get("agencies", [])
        if (
            not matches
            or _says_uninvolved(unit)
            or any(x[0] == "KNOWN_NO" for x in _social(m, unit))
        ):
            continue
        for agency, start, end in matches:
            if not _agency_at_work(unit, start, end, agency, child_subject):
                continue
            if agency == "hospital" and _psychiatric(unit, start, end):
                agency = (
                    "mental_health_ambiguous"  # "admitted to hospital under the Mental Health Act"
                )
            if agency == "mental_health_ambiguous":
                parent = any(x.kind in ("family", "titled") for x in unit.mentions)
                agency = "camhs" if child_age and not parent else "adult_mental_health"
            if agency == "social_care_ambiguous":
                if not (
                    child_subject
                    or (age is not None and age.value < 18)
                    or unit.words & _CHILD_WORDS
                ):
                    continue  # an adult's social worker is adult social care
                agency = "childrens_social_care"
            seen.setdefault(agency, []).append((unit, start, end))
    if not seen:
        return None
    return AgencySet.of(
        [
            AgencyFact(
                agency,
                _EXPLICIT if len(found) >= 3 else _WEAK if len(found) == 2 else _INFERRED,
                tuple(unit.evidence(start, end) for unit, start, end in found[:3]),
            )
            for agency, found in seen.items()
        ]
    )


def _psychiatric(unit: _Unit, start: int, end: int) -> bool:
    """A hospital or ward in a sentence about psychiatric care or detention."""
    words = unit.words
    named = {"hospital", "ward"} & set(unit.lowers[start:end])
    detention = {"mental", "act"} <= words or bool(words & P.MENTAL_HEALTH_CONTEXT)
    return bool(named) and detention


def _says_uninvolved(unit: _Unit) -> bool:
    """ "had never been called", "had no (significant) contact": the agencies named
    here were not involved."""
    lowers = unit.lowers
    if not unit.words & {"never", "no"}:
        return False
    for i, word in enumerate(lowers):
        if (
            word == "never"
            and lowers[i + 1 : i + 2] == ["been"]
            and lowers[i + 2 : i + 3]
            in (
                ["called"],
                ["involved"],
            )
        ):
            return True
        if word == "no" and {"contact", "involvement"} & set(lowers[i + 1 : i + 3]):
            return True
    return False


def _agency_at_work(unit: _Unit, start: int, end: int, agency: str, child_subject: bool) -> bool:
    lowers = unit.lowers
    after = lowers[end] if end < len(lowers) else ""
    before = lowers[start - 1] if start > 0 else ""
    if agency == "housing" and after in P.TENURE_NOUNS:
        return False
    if agency == "hospital" and after == "order":
        return False
    if before in _NOT_PARTICULAR:
        return False  # "every GP practice", "all schools": no particular agency
    if _NEGATIONS & set(lowers[max(0, start - 5) : start]):
        return False  # "had never been subject to a child protection plan", "not referred to CAMHS"
    if agency == "prison_or_custody":  # a parent's or partner's prison is not the child's
        holder = _nearest_left(unit, start)
        if child_subject:
            return holder is not None and holder.kind == "label"
        return holder is None or holder.kind not in ("family", "titled")
    return True
