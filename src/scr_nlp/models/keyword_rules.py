"""Readable per-theme rules for the ``keyword`` model.

Each rule is a regular expression (case-insensitive) and a score. A sentence's
score for a theme is the highest score of its matching rules, unless a
recommendation or double negation guard applies. Edit freely: this file is the model.
"""

from __future__ import annotations

RULES: dict[str, list[tuple[str, float]]] = {
    "child_not_seen": [
        (
            r"\b(never|not|rarely|no one|nobody)\b[^.;]{0,40}\b(seen|spoken to|spoke to|observed)\b[^.;]{0,20}\balone\b",
            0.95,
        ),
        (
            r"\b(child|baby|infant|he|she)\b[^.;]{0,30}\b(was|were) (not|never) (seen|spoken to|observed|visited)\b",
            0.9,
        ),
        (r"\bvoice of the child\b[^.;]{0,40}\b(absent|missing|lost|not heard|not)\b", 0.95),
        (r"\b(absent|missing|lost)\b[^.;]{0,30}\bvoice of the child\b", 0.9),
        (
            r"\b(wishes and feelings|lived experience)\b[^.;]{0,50}\b(not|never|absent|missing|no)\b",
            0.85,
        ),
        (
            r"\b(no|not|never)\b[^.;]{0,30}\b(wishes and feelings|lived experience|direct work)\b",
            0.85,
        ),
        (
            r"\b(asleep|at nursery|at school|not available|unavailable|in bed|upstairs)\b[^.;]{0,40}\b(visit|visits|visited)\b",
            0.6,
        ),
        (
            r"\b(visit|visits|visited)\b[^.;]{0,60}\b(asleep|at nursery|not available|unavailable|in bed|upstairs)\b",
            0.6,
        ),
        (
            r"\brelied (on|upon)\b[^.;]{0,30}\b(mother|father|parent|parents)'?s?\b[^.;]{0,20}\b(account|report|self-report)",
            0.8,
        ),
        (
            r"\bfocus(ed)? (was |were )?(on|upon) (the )?(mother|parent|parents|adult|adults)'?s?\b[^.;]{0,30}\bneeds\b",
            0.8,
        ),
        (r"\b(child|children)'?s? needs\b[^.;]{0,30}\b(lost|overlooked|missed)\b", 0.8),
        (r"\bnot (seen|heard)\b", 0.55),
    ],
    "fathers_overlooked": [
        (
            r"\b(father|stepfather|step-father|partner|boyfriend|mr [a-z])\b[^.;]{0,50}\b(was|were) (not|never) (assessed|invited|seen|spoken to|engaged|checked|included|considered)\b",
            0.95,
        ),
        (
            r"\b(no|not|never)\b[^.;]{0,40}\b(checks?|assessment|enquiries)\b[^.;]{0,40}\b(father|stepfather|partner|boyfriend|mr [a-z])\b",
            0.85,
        ),
        (
            r"\bhidden m[ae]n\b|\binvisible m[ae]n\b|\bmen\b[^.;]{0,30}\b(invisible|hidden|unknown)\b",
            0.95,
        ),
        (
            r"\b(father|partner|mr [a-z])\b[^.;]{0,30}\b(peripheral|on the periphery|not known to|unknown to)\b",
            0.85,
        ),
        (
            r"\b(only|solely|exclusively)\b[^.;]{0,30}\b(spoke|spoken|engaged|worked) (to|with) (the )?mother\b",
            0.9,
        ),
        (
            r"\b(father|dad)'?s?\b[^.;]{0,40}\b(concerns?|warnings?|calls?)\b[^.;]{0,40}\b(dismissed|ignored|not|disregarded|attributed)\b",
            0.8,
        ),
        (r"\b(new|mother's) partner\b[^.;]{0,60}\b(no|not|never)\b", 0.6),
    ],
    "home_education_concealment": [
        (
            r"\b(withdrawn|removed|deregistered|taken off|came off)\b[^.;]{0,40}\b(school|roll)\b[^.;]{0,60}\b(home educat|ehe)",
            0.95,
        ),
        (
            r"\b(elective home education|home educat\w*|ehe)\b[^.;]{0,80}\b(no one|nobody|never|not|no)\b[^.;]{0,40}\b(seen|visited|checked|met)\b",
            0.95,
        ),
        (
            r"\b(home educat\w*|ehe)\b[^.;]{0,60}\b(scrutiny|out of sight|invisible|hidden|disappeared|lost)\b",
            0.95,
        ),
        (r"\b(off[- ]roll|off-rolled|missing (from )?education|cme)\b", 0.75),
        (r"\b(deregistered|deregistration)\b", 0.7),
        (r"\b(home educat\w*|elective home education)\b", 0.45),
    ],
    "third_party_concerns_ignored": [
        (
            r"\b(grand(mother|father|parent)s?|aunt|uncle|neighbours?|relatives?|family members?|member of the public|anonymous|friend)\b[^.;]{0,80}\b(not (acted|followed|taken|passed|recorded|investigated)|ignored|dismissed|no action|nothing (was )?done|logged as|recorded as|treated as)\b",
            0.95,
        ),
        (r"\b(malicious|vexatious|ongoing dispute|family feud|bitter)\b", 0.7),
        (
            r"\b(calls?|concerns?|reports?|referrals?|warnings?)\b[^.;]{0,40}\b(from|by)\b[^.;]{0,20}\b(grand\w+|neighbours?|relatives?|aunt|uncle|public|friend)\b[^.;]{0,60}\b(not|no|never|ignored|dismissed)\b",
            0.9,
        ),
        (
            r"\b(grand(mother|father|parent)s?|neighbours?|aunt|uncle)\b[^.;]{0,60}\b(rang|called|phoned|reported|raised|contacted|told)\b",
            0.5,
        ),
    ],
    "agency_absence": [
        (r"\b(not|never) (invited|represented|present|asked|consulted|informed)\b", 0.7),
        (r"\b(did not|didn't|failed to) (attend|contribute|share|participate|provide)\b", 0.8),
        (r"\b(neither|none of)\b[^.;]{0,60}\b(invited|attended|present|represented)\b", 0.85),
        (
            r"\b(housing|probation|police|gp|school|adult mental health|substance misuse|health visit\w*|camhs|education)\b[^.;]{0,60}\b(absent|not invited|not present|not represented|did not attend|were not|was not)\b",
            0.85,
        ),
        (
            r"\b(not known|unknown|unaware)\b[^.;]{0,40}\b(to )?(children's social care|conference|the core group|csc|the strategy)\b",
            0.8,
        ),
        (r"\b(held|had)\b[^.;]{0,40}\binformation\b[^.;]{0,60}\b(not shared|was not|never)\b", 0.8),
        (
            r"\b(without|absence of)\b[^.;]{0,30}\b(housing|probation|police|the gp|the school|health)\b",
            0.6,
        ),
    ],
}

# Sentences that state good practice, give guidance or only recommend are not failings.
GUARDS: list[str] = [
    r"^\s*(the )?(board|partnership|lscb|practitioners|agencies|all agencies|managers|services)\b[^.;]{0,40}\b(should|must|will|need to|needs to)\b",
    r"^\s*(it is|it was) (recommended|important|essential)\b",
    r"\bit (was|is) not the case that\b",
    r"\bgood practice\b|\bappropriately\b|\bto (his|her|their|its) credit\b|\bcommended\b",
    r"\bworking together\b[^.;]{0,40}\b(requires|sets out|states|expects)\b",
]
