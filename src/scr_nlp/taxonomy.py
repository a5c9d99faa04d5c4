"""The one definition of the five codebook themes (../shared/codebook.md).

Every model saves ``THEME_IDS`` in this order and is checked against it on load;
nothing else in the package may list the themes.
"""

from __future__ import annotations

from dataclasses import dataclass

CODEBOOK_VERSION = "1.0"


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str
    colour: str  # used for highlighting evidence in reports


THEMES: tuple[Theme, ...] = (
    Theme(
        "child_not_seen",
        "Child not seen or heard",
        "The child was not seen, not seen alone or not listened to; focus went to the adults.",
        "#d95f02",
    ),
    Theme(
        "fathers_overlooked",
        "Fathers and men overlooked",
        "Fathers, partners and other men were not identified, assessed, engaged or checked.",
        "#1b9e77",
    ),
    Theme(
        "home_education_concealment",
        "Home education concealed the child",
        "Withdrawal from school or missing education kept the child out of professional sight.",
        "#7570b3",
    ),
    Theme(
        "third_party_concerns_ignored",
        "Concerns from others ignored",
        "A relative, neighbour or member of the public raised a concern that was not acted on.",
        "#e7298a",
    ),
    Theme(
        "agency_absence",
        "Agency missing from multi-agency work",
        "An agency with relevant information or responsibility was absent or did not share.",
        "#66a61e",
    ),
)

THEME_IDS: tuple[str, ...] = tuple(t.id for t in THEMES)
THEMES_BY_ID: dict[str, Theme] = {t.id: t for t in THEMES}


class TaxonomyMismatchError(ValueError):
    """A model or file was labelled with a different theme list."""


def check_theme_ids(found: list[str] | tuple[str, ...], where: str) -> None:
    """Refuse a theme list that differs from the taxonomy, naming the difference."""
    found = tuple(found)
    if found == THEME_IDS:
        return
    missing = [t for t in THEME_IDS if t not in found]
    extra = [t for t in found if t not in THEME_IDS]
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"unknown {extra}")
    if not parts:
        parts.append(f"order {list(found)} differs from {list(THEME_IDS)}")
    raise TaxonomyMismatchError(f"{where}: themes differ from the taxonomy: {'; '.join(parts)}")
