"""Vocabulary and spaCy token patterns for reading case facts.

Everything here is data: word lists, agency names and the Matcher / PhraseMatcher
patterns built from them. ``extract.py`` holds the rules that weigh the matches.

Agency mapping decisions (where the vocabulary has no exact home):

- midwives and maternity services, paediatricians (including community paediatrics),
  the emergency department and wards -> ``hospital``; psychiatric wards and hospitals
  -> mental health, not ``hospital``;
- nurseries, colleges, alternative provision, education welfare, the elective home
  education (EHE) and children-missing-education officers, SEN teams and school nurses
  -> ``school``: they are the education system's contact with the child (a school
  nurse works in and through the school, whoever employs her);
- the MASH, social workers, the front door, child protection conferences, section 47
  enquiries and leaving-care personal advisers -> ``childrens_social_care``;
- anti-social behaviour teams and registered social landlords -> ``housing``;
- generic mental health services (crisis team, home treatment team, psychiatrist,
  liaison team) -> CAMHS for a subject aged 5-17 unless a parent is named in the same
  sentence, otherwise adult mental health; named services (CAMHS, CMHT, AMHP,
  perinatal team) keep their own home;
- IDVA services, children's centres, early help and 111 are not in the vocabulary.
"""

from __future__ import annotations

from scr_nlp.cleaning import MONTH_NAMES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _numbering(text: str, first: int = 0, step: int = 1) -> dict[str, int]:
    return {word: first + step * i for i, word in enumerate(text.split())}


def _alternatives(text: str) -> list[str]:
    """ "a | b c | d" -> ["a", "b c", "d"]: long phrase lists stay readable."""
    return [" ".join(part.split()) for part in text.split("|")]


NUMBER_WORDS = _numbering(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen"""
)
TENS = _numbering("twenty thirty forty fifty sixty seventy eighty ninety", first=20, step=10)
ORDINALS = _numbering(
    """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth""",
    first=1,
)
AGE_UNITS = {
    "year": 1.0,
    "years": 1.0,
    "yr": 1.0,
    "yrs": 1.0,
    "month": 1 / 12,
    "months": 1 / 12,
    "week": 1 / 52,
    "weeks": 1 / 52,
    "day": 1 / 365,
    "days": 1 / 365,
}
MONTHS = frozenset(MONTH_NAMES) | _words("jan feb mar apr jun jul aug sep sept oct nov dec")

# People. A person mention's kind decides whether an age can be the subject's.
FAMILY_ADULTS = _words("""mother father mum dad mummy daddy stepfather stepmother stepdad stepmum step-father
    partner partners boyfriend girlfriend husband wife grandmother grandfather grandparent
    grandparents nan nanna grandma grandad granddad aunt uncle cousin carer parent parents
    perpetrator offender""")
SIBLINGS = _words(
    "brother brothers sister sisters sibling siblings half-sibling half-siblings half-brother "
    "half-sister twin stepbrother stepsister"
)
CHILD_NOUNS = _words(
    "boy girl baby infant toddler child son daughter teenager youngster newborn pupil"
)
# "child protection", "baby unit": the noun names a thing, not a person.
CHILD_COMPOUNDS = _words("""protection in cruelty sexual abuse death deaths concern care and safeguarding practice
    exploitation criminal development health minding arrangements poverty trafficking welfare
    neglect abduction benefit maintenance unit units seat clothes monitor""")
GENERIC_ADULTS = _words("man woman person adult lady gentleman deceased")
GROUPS = _words("daughters sons children babies boys girls people adults patients men women")
PRONOUNS = _words("he she his her him")
TITLES = _words("mr mrs ms miss mx")
PERSON_WORDS = FAMILY_ADULTS | SIBLINGS | CHILD_NOUNS | GENERIC_ADULTS | GROUPS | PRONOUNS | TITLES
# One lookup per token: word -> kind of person mention (the first list a word is in wins).
ROLE_KINDS = {
    word: kind
    for kind, words in reversed(
        (
            ("family", FAMILY_ADULTS),
            ("sibling", SIBLINGS),
            ("child_noun", CHILD_NOUNS),
            ("generic", GENERIC_ADULTS),
            ("group", GROUPS),
            ("pronoun", PRONOUNS),
        )
    )
    for word in words
}
# Capitalised words that start sentences but are not names.
NOT_NAMES = _words("""the this that it there he she they we i a an his her their its one each every all
    no nobody everyone someone mother father""")


def label_phrases() -> dict[str, list[list[str]]]:
    """Anonymised labels as token sequences for a case-sensitive PhraseMatcher: "Child A",
    "CHILD AM", "Baby N2", "Young Person D", "Child A." (a sentence end), "Sibling 1".
    Enumerated rather than matched by shape, because the PhraseMatcher runs once over
    the whole document and a token-pattern Matcher would have to run on most sentences."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    ids = [
        *letters,
        *(f"{a}." for a in letters),
        *(a + b for a in letters for b in letters),
        *(a + str(n) for a in letters for n in range(1, 10)),
        *(str(n) for n in range(1, 21)),
    ]
    heads = [[w] for h in ("child", "baby", "infant", "adult") for w in (h.title(), h.upper())]
    young = [["Young", "Person"], ["YOUNG", "PERSON"], ["young", "person"]]
    siblings = [["Sibling"], ["SIBLING"]]
    return {
        "LABEL": [[*head, i] for head in heads + young for i in ids],
        "SIBLING": [[*head, i] for head in siblings for i in ids],
    }


def titled_patterns() -> dict[str, list[list[dict]]]:
    """ "Mr T", "Ms Jones", "Mr. Hughes": adults named by title."""
    title = {"LOWER": {"IN": sorted(TITLES | {f"{t}." for t in TITLES})}}
    return {"TITLED": [[title, {"IS_TITLE": True}], [title, {"IS_UPPER": True}]]}


def pseudonym_patterns() -> list[list[dict]]:
    """How a review introduces the name it uses: '"Leo"', 'referred to as Adam'."""
    opening = {"ORTH": {"IN": ['"', "“", "'", "‘"]}}
    closing = {"ORTH": {"IN": ['"', "”", "'", "’"]}}
    name = {"TEXT": {"REGEX": r"^[A-Z][A-Za-z]*$"}}
    return [
        [opening, name, closing],
        [
            {"LOWER": "referred"},
            {"LOWER": "to"},
            {"IS_ALPHA": True, "OP": "{0,5}"},
            {"LOWER": "as"},
            opening,
            name,
        ],
        [
            {"LOWER": "referred"},
            {"LOWER": "to"},
            {"IS_ALPHA": True, "OP": "{0,5}"},
            {"LOWER": "as"},
            name,
        ],
        [{"LOWER": {"IN": ["called", "pseudonym"]}}, opening, name],
        [{"LOWER": "called"}, name],
        [{"LOWER": "known"}, {"LOWER": "as"}, name],
    ]


# Ages. Q is a quantity ("14", "fourteen", "twenty-two"); units turn it into years.
_Q = [{"LIKE_NUM": True}, {"ORTH": "-", "OP": "?"}, {"LIKE_NUM": True, "OP": "?"}]
_UNIT = {"LOWER": {"IN": sorted(AGE_UNITS)}}
_AND = {"LOWER": {"IN": ["and", ","]}, "OP": "?"}
_TWO_PARTS = [*_Q, _UNIT, _AND, *_Q, _UNIT]  # "three years and two months"


def age_patterns() -> dict[str, list[list[dict]]]:
    """AGE: the span holds the age. AGE_BARE / AGE_THEN end with a guard token (a
    full stop, "when", ...) that shows the number is an age; it is trimmed off."""
    aged = {"LOWER": {"IN": ["aged", "age"]}}
    age_of = [{"LOWER": "age"}, {"LOWER": "of"}]
    old = {"LOWER": "old"}
    hyphen = {"ORTH": "-"}
    a = {"LOWER": {"IN": ["a", "an"]}}
    bare_guard = {"LOWER": {"IN": [".", ",", ";", ")", "when", "at", "and", "in"]}}
    return {
        "AGE": [
            [aged, *_Q],
            [aged, *_Q, _UNIT],
            [aged, *_TWO_PARTS],
            [*age_of, *_Q],
            [*age_of, *_Q, _UNIT],
            [*age_of, *_TWO_PARTS],
            [*_Q, _UNIT, old],
            [*_TWO_PARTS, old],
            [*_Q, hyphen, _UNIT, hyphen, old],
            [*_Q, hyphen, _UNIT, old],
            [*_Q, _UNIT, hyphen, old],
            [a, _UNIT, old],
            [a, hyphen, _UNIT, hyphen, old],
            [*_Q, _UNIT, {"LOWER": "of"}, {"LOWER": "age"}],
            [
                {"LOWER": {"IN": sorted(CHILD_NOUNS | GENERIC_ADULTS)}},
                {"LOWER": "of"},
                *_Q,
            ],
            [
                {"LOWER": {"IN": ["before", "after"]}},
                {"LOWER": {"IN": ["his", "her", "their"]}},
                {"LOWER": {"IN": sorted(ORDINALS)}},
                {"LOWER": "birthday"},
            ],
        ],
        "AGE_BARE": [[{"LOWER": {"IN": ["was", "is", "turned", "turns"]}}, *_Q, bare_guard]],
        "AGE_THEN": [[{"LOWER": "then"}, *_Q, {"IS_PUNCT": True}]],
    }


# Outcome cues (PhraseMatcher). DEATH and HARM about the subject decide the outcome;
# SURVIVED outweighs a death cue (the subject cannot both die and survive); INCIDENT
# marks the review's trigger event, for dating it.
_OWN = ("his", "her", "their")
CUE_PHRASES = {
    "DEATH": [
        *_words("""died dies death killed murder murdered manslaughter fatal fatally suicide homicide
        hanged drowned"""),
        "post-mortem",
        "pronounced dead",
        "found dead",
        "confirmed dead",
        "to death",
        "could not be revived",
        "could not be resuscitated",
        "life support was withdrawn",
        *(f"took {own} own life" for own in _OWN),
        *(f"taken {own} own life" for own in _OWN),
    ],
    "HARM": [
        *_words("""harm injury injuries injured fracture fractures fractured harmed scald scalds scalded
        burn burns stabbed haemorrhage bleed bleeding underweight malnourished raped assaulted
        attacked exploited overdose unresponsive collapsed sepsis ketoacidosis abscess"""),
        *(f"{a} {b}" for a in ("serious", "significant") for b in ("harm", "injury", "injuries")),
        *(
            f"{a} {b}"
            for a in ("seriously", "severely", "gravely")
            for b in ("harmed", "injured", "hurt")
        ),
        "grievous bodily harm",
        "intensive care",
        "stab wound",
        "stab wounds",
        "life-threatening",
        "life-changing",
        "near-fatal",
        "non-fatal",
        "sexually exploited",
        "sexually abused",
    ],
    "SURVIVED": [
        "survived",
        "has recovered",
        "has since recovered",
        "is recovering",
        *(
            f"made a {how}recovery"
            for how in ("", "good ", "full ", "physical ", "good physical ", "full physical ")
        ),
        "non-fatal",
        "now lives",
        "now living",
    ],
    "INCIDENT": [
        "admitted",
        "admission",
        *(
            f"{verb} to {place}"
            for verb in ("taken", "brought", "rushed")
            for place in ("hospital", "a&e", "the emergency department", "the hospital")
        ),
        *(f"{be} found" for be in ("was", "were", "been", "be")),
        "emergency department",
        "incident",
        "assault",
        "came to light",
        "police protection",
    ],
    "INCIDENT_DATE": [
        f"date of {what}" for what in ("incident", "death", "injury", "injuries", "admission")
    ],
}

# A Matcher runs on a sentence only when one of its trigger words is there: the
# Matcher is the costly step, and most sentences cannot match most patterns.
TITLE_WORDS = TITLES | {f"{t}." for t in TITLES}
NAMING_WORDS = frozenset({"called", "pseudonym"})  # and "referred to as", "known as"
QUOTES = frozenset({'"', "“", "'", "‘"})
# Ages need a number; a bare "was 14" needs the number right after the verb.
AGE_WORDS = frozenset({"aged", "age", "birthday", "old"})
NUMBER_VOCABULARY = frozenset(NUMBER_WORDS) | frozenset(TENS) | {"a", "an"}
NUMBER_AFTER = frozenset({"was", "is", "turned", "turns", "then", "of"})
# Social-care statements: "known to"/"referred to" social care, "not known to" social care
# or "no involvement with the family", and statements about a plan or the register.
SOCIAL_CARE_WORDS = _words("social services csc mash safeguarding")
# Work that only children's social care does: the family was known to it.
SOCIAL_WORK_PHRASES = [
    *(f"child in need {what}" for what in ("plan", "plans", "case", "meeting", "meetings")),
    "section 47",
    "s47",
    "child protection plan",
    "child protection plans",
]
KNOWN_WORDS = _words("known open referred referral allocated attention")
NEGATION_WORDS = _words("not never no")
CONTACT_WORDS = _words("involvement contact contacts aware")
# with "plan": "protection" or a negation; or one of these (register, "stepped down",
# "threshold for a child protection conference")
PLAN_WORDS = _words("register registration deregistered de-registered stepped threshold")
MANY_REVIEWS_TRIGGERS = frozenset({"reviews", "scrs", "csprs"})

# Words that, right before a cue, make it hypothetical or about risk, not an event.
MODAL_BEFORE_CUE = _words(
    "would could might may risk nearly almost if whether prevent prevented predictable "
    "predicted avoid"
)

# Review types, as a document describes itself.
REVIEW_TYPE_PHRASES = {
    "SCR": ["serious case review", "serious case review (scr)"],
    "CSPR": [
        "child safeguarding practice review",
        "local child safeguarding practice review",
        "safeguarding practice review",
        "rapid review",
        "rapid review report",
    ],
    "thematic": [
        "thematic review",
        "thematic report",
        "thematic inspection",
        "thematic audit",
        "themed audit",
        "multi-agency case audit",
        "joint targeted area inspection",
        "joint targeted area inspections",
        "national analysis",
        "national review",
        "triennial analysis",
        "biennial analysis",
        "secondary analysis",
        "research analysis",
    ],
    # Audits, inspections and studies write across many cases too, but the words also
    # turn up inside single-case reviews: they count only in a document's opening.
    "thematic_opening": [
        "this audit",
        "the audit",
        "themed audit",
        "multi-agency audit",
        "case audit",
        "audit report",
        "inspection",
        "joint inspection",
        "inspectorate",
        "inspectors",
        "this study",
        "the study",
        "research report",
        "research brief",
        "research analysis",
    ],
    "other": [
        "domestic homicide review",
        "safeguarding adults review",
        "safeguarding adult review",
        "child practice review",
        "concise child practice review",
        "extended child practice review",
        "adult practice review",
        "prevention of future deaths",
        "regulation 28",
    ],
}


def many_reviews_patterns() -> list[list[dict]]:
    """Writing across many reviews: "an analysis of serious case reviews", "examined 56
    reviews" -> thematic."""
    reviews = {"LOWER": {"IN": ["reviews", "scrs", "csprs"]}}
    return [
        [
            {
                "LOWER": {
                    "IN": [
                        "analysis",
                        "analyses",
                        "study",
                        "evaluation",
                        "evaluations",
                        "review",
                        "examination",
                    ]
                }
            },
            {"LOWER": "of"},
            {"IS_ALPHA": True, "OP": "{0,4}"},
            reviews,
        ],
        [
            {"LOWER": {"IN": ["examined", "analysed", "analyzed", "reviewed", "looked"]}},
            {"LOWER": "at", "OP": "?"},
            {"LIKE_NUM": True},
            {"IS_ALPHA": True, "OP": "{0,4}"},
            reviews,
        ],
    ]


# Names of children's social care, found by the PhraseMatcher; a "known to" statement
# pattern must end where one of them begins.
CSC_NAMES = [
    "children's social care",
    "children’s social care",
    "childrens social care",
    "children's services",
    "children’s services",
    "social services",
    "social care",
    "safeguarding services",
    "csc",
    "mash",
]


def social_care_patterns() -> dict[str, list[list[dict]]]:
    """KNOWN_YES / KNOWN_NO: the family's contact with children's social care.
    PLAN_YES / PLAN_NO: a child protection plan (or the old register) at the time.
    Split by the caller into two Matchers, each run only where it can match."""
    the = {"LOWER": {"IN": ["the", "local"]}, "OP": "*"}
    negation = {"LOWER": {"IN": ["not", "never", "no"]}}
    been = {"LOWER": {"IN": ["been", "ever", "previously", "already"]}, "OP": "*"}
    cp_plan = [{"LOWER": "child"}, {"LOWER": "protection"}, {"LOWER": {"IN": ["plan", "plans"]}}]
    subject_to = [
        {"LOWER": {"IN": ["subject", "subjects"]}},
        {"LOWER": {"IN": ["to", "of"]}},
        {"LOWER": {"IN": ["a", "the", "child", "separate"]}, "OP": "*"},
    ]
    register = {"LOWER": {"IN": ["register", "registration"]}}
    ended = {"LOWER": {"IN": ["ended", "closed", "discontinued", "ceased"]}}
    involvement = {"LOWER": {"IN": ["involvement", "contact", "contacts"]}}
    return {
        # Each ends just before a name of children's social care, which the caller checks
        # against the PhraseMatcher's CSC_NAMES matches (a name has many spellings).
        "KNOWN_YES_TO": [
            [
                {"LOWER": {"IN": ["known", "open", "referred", "referral", "allocated"]}},
                {"LOWER": "to"},
                the,
            ],
            [{"LOWER": "attention"}, {"LOWER": "of"}, the],
        ],
        "KNOWN_NO_TO": [
            [negation, been, {"LOWER": {"IN": ["known", "open"]}}, {"LOWER": "to"}, the],
            [
                negation,
                {"LOWER": {"IN": ["previous", "prior", "earlier"]}, "OP": "?"},
                involvement,
                {"LOWER": "with"},
                the,
            ],
        ],
        "KNOWN_NO": [
            [
                negation,
                {"LOWER": {"IN": ["previous", "prior", "earlier"]}, "OP": "?"},
                involvement,
                {"LOWER": "with"},
                {"LOWER": "the"},
                {"LOWER": "family"},
            ],
            [negation, {"LOWER": "aware"}, {"LOWER": "of"}, {"LOWER": "the"}, {"LOWER": "family"}],
        ],
        "PLAN_YES": [
            [*subject_to, *cp_plan],
            [{"LOWER": {"IN": ["on", "under"]}}, {"LOWER": {"IN": ["a", "the"]}}, *cp_plan],
            [
                *cp_plan,
                {"LOWER": {"IN": ["was", "were"]}},
                {"LOWER": {"IN": ["made", "agreed", "put"]}},
            ],
            [{"LOWER": "make"}, {"LOWER": "a"}, *cp_plan],
            [*subject_to, {"LOWER": "protection"}, register],
            [
                {"LOWER": {"IN": ["on", "to"]}},
                {"LOWER": "the"},
                {"LOWER": "child"},
                {"LOWER": "protection"},
                register,
            ],
        ],
        "PLAN_NO": [
            [negation, been, {"LOWER": "made", "OP": "?"}, *subject_to, *cp_plan],
            [negation, been, {"LOWER": "made", "OP": "?"}, *subject_to, {"LOWER": "plan"}],
            [
                {"LOWER": "no"},
                {"LOWER": "longer"},
                *subject_to,
                {"LOWER": {"IN": ["plan", "registration", "register"]}},
            ],
            [{"LOWER": "no"}, {"LOWER": "longer"}, *subject_to, *cp_plan],
            [
                register,
                {"LOWER": {"IN": ["had", "was", "has"]}},
                {"LOWER": "been", "OP": "?"},
                ended,
            ],
            [
                *cp_plan,
                {"LOWER": {"IN": ["had", "was", "has"]}},
                {"LOWER": "been", "OP": "?"},
                ended,
            ],
            [
                {"LOWER": {"IN": ["removed", "deregistered", "de-registered"]}},
                {"LOWER": "from", "OP": "?"},
                {"LOWER": "the", "OP": "?"},
                {"LOWER": "child", "OP": "?"},
                {"LOWER": "protection", "OP": "?"},
                register,
            ],
            [
                {"LOWER": "threshold"},
                {"LOWER": "for"},
                {"LOWER": "a"},
                {"LOWER": "child"},
                {"LOWER": "protection"},
                {"LOWER": "conference"},
                {"LOWER": "was"},
                {"LOWER": "not"},
                {"LOWER": "met"},
            ],
            [
                {"LOWER": "stepped"},
                {"LOWER": "down"},
                {"LOWER": "to"},
                {"LOWER": {"IN": ["a", "child"]}},
            ],
        ],
    }


# Agencies: lower-case phrases for the PhraseMatcher, case-sensitive acronyms for the Matcher.
AGENCY_PHRASES: dict[str, list[str]] = {
    "school": _alternatives(
        """school | primary school | secondary school | special school | academy | college |
        further education college | sixth form | nursery | pre-school | preschool | early
        years setting | teacher | teachers | class teacher | head teacher | headteacher |
        form tutor | head of year | teaching assistant | designated safeguarding lead |
        education welfare officer | education welfare service | education welfare | elective
        home education service | elective home education team | elective home education
        officer | elective home education adviser | home education team | home education
        service | home education officer | ehe officer | ehe service | ehe team | ehe
        adviser | children missing education officer | cme officer | sen team | special
        educational needs team | school nurse | school nursing | school nursing service |
        alternative provision | pupil referral unit | senco"""
    ),
    "gp": _alternatives(
        """gp practice | gp surgery | general practitioner | general practice | practice nurse
        | family doctor | out-of-hours gp | out of hours gp | gp's"""
    ),
    "camhs": _alternatives(
        """camhs | child and adolescent mental health service | child and adolescent mental
        health services | children and young people's mental health service | cypmhs | tier
        4"""
    ),
    "adult_mental_health": _alternatives(
        """adult mental health | adult mental health services | adult mental health service |
        community mental health team | cmht | perinatal mental health team | perinatal
        mental health service | perinatal team | approved mental health professional | amhp
        | psychiatric hospital | psychiatric ward | psychiatric unit | psychiatric intensive
        care unit | mental health hospital | mental health unit | mother and baby unit |
        community psychiatric nurse | cpn | early intervention in psychosis | early
        intervention team | mental health liaison | secure hospital"""
    ),
    "mental_health_ambiguous": _alternatives(
        """mental health team | mental health services | mental health service | mental health
        trust | mental health nurse | mental health practitioner | crisis team | crisis
        resolution team | crisis resolution and home treatment team | home treatment team |
        crisis line | psychiatrist | psychiatrists | liaison psychiatry | liaison mental
        health team | liaison team | care co-ordinator | care coordinator | mental health
        act | section 136 | psychiatric"""
    ),
    "hospital": _alternatives(
        """hospital | emergency department | accident and emergency | a&e | a & e | paediatric
        ward | children's ward | children’s ward | paediatrician | paediatricians |
        paediatric team | paediatric consultant | consultant paediatrician | intensive care
        | paediatric intensive care | community paediatrician | community paediatric service
        | paediatric intensive care unit | intensive care unit | major trauma centre |
        trauma team | maternity services | maternity service | maternity | midwife |
        midwives | midwifery | community midwife | neonatal unit | ward staff | acute trust
        | acute hospital trust | hospital trust | children's hospital | diabetes team |
        diabetes specialist nurse | epilepsy specialist nurse | surgeon | surgeons"""
    ),
    "ambulance": _alternatives(
        """ambulance | ambulance service | ambulance crew | paramedic | paramedics | air
        ambulance"""
    ),
    "police": _alternatives(
        """police | police officer | police officers | police force | pcso | police community
        support officer | public protection unit | child abuse investigation unit | child
        abuse investigation team | detective | constable | police station"""
    ),
    "childrens_social_care": _alternatives(
        """children's social care | children’s social care | childrens social care | children's
        services | children’s services | csc | mash | multi-agency safeguarding hub |
        children's team | children’s team | child protection conference | initial child
        protection conference | core group | section 47 enquiry | section 47 | leaving care
        service | disabled children's team | child in need plan | child protection plan |
        care proceedings"""
    ),
    "social_care_ambiguous": _alternatives(
        """social services | social worker | social workers | duty social worker | duty team |
        front door | strategy discussion | strategy meeting | personal adviser"""
    ),
    "youth_justice": _alternatives(
        """youth offending service | youth offending team | yot | yos | youth justice service |
        youth justice worker | youth justice | youth offending"""
    ),
    "housing": _alternatives(
        """housing | housing department | housing officer | housing association | housing
        provider | housing options | housing service | housing services | registered social
        landlord | homelessness service | homelessness team | anti-social behaviour team"""
    ),
    "health_visitor": _alternatives(
        """health visitor | health visitors | health visiting | health visiting service |
        health visiting team | family nurse partnership | family nurse"""
    ),
    "voluntary_sector": _alternatives(
        """voluntary sector | voluntary organisation | voluntary service | charity | charitable
        | nspcc | barnardo's | barnardo’s | women's aid | samaritans | childline | third
        sector | helpline"""
    ),
    "prison_or_custody": _alternatives(
        """prison | hmp | young offender institution | yoi | custody suite | police custody |
        in custody | secure training centre | prisoner | prisoners"""
    ),
    "foster_or_residential_care": _alternatives(
        """foster care | foster carer | foster carers | foster placement | foster home |
        fostered | residential placement | residential home | children's home | children’s
        home | residential unit | residential care"""
    ),
    "probation": _alternatives(
        """probation | probation service | probation officer | national probation service | nps
        | community rehabilitation company | crc | offender manager"""
    ),
    "substance_misuse": _alternatives(
        """substance misuse service | substance misuse services | substance misuse team | drug
        and alcohol service | drug and alcohol team | drug and alcohol worker | drug and
        alcohol services | drugs and alcohol service | community drug and alcohol service |
        community drug and alcohol team | drug service | drugs service | alcohol service |
        addiction service | addiction services | substance misuse worker | substance misuse
        keyworker"""
    ),
}
_NUMBERED = range(1, 21)
AGENCY_CASED = {
    "gp": ["GP", "GP's"],
    "hospital": ["ED", "A&E", "PICU", "ICU", "NICU"],
    "health_visitor": ["HV", *(f"HV{n}" for n in _NUMBERED)],
    "social_care_ambiguous": [f"SW{n}" for n in _NUMBERED],
    "adult_mental_health": ["CPN", *(f"CPN{n}" for n in _NUMBERED)],
}
# Words that make a hospital in the same sentence a psychiatric one.
MENTAL_HEALTH_CONTEXT = _words("psychiatric psychiatrist sectioned detained")
# What follows "housing association" etc. when it names a tenure, not an agency at work.
TENURE_NOUNS = _words("flat flats property house home tenancy accommodation estate")
