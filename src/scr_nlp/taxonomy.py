"""The one definition of the five codebook themes (docs/codebook.md).

Every model saves ``THEME_IDS`` in this order and is checked against it on load;
nothing else in the package may list the themes. ``name`` is the one readable name
used in every output; ``short`` heads table columns.
"""

from __future__ import annotations

from dataclasses import dataclass

CODEBOOK_VERSION = "1.0"


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    short: str
    description: str
    colour: str  # evidence highlighting in reports; dark enough for white text (WCAG AA)


THEMES: tuple[Theme, ...] = (
    Theme(
        "child_not_seen",
        "Child not seen or heard",
        "child unseen",
        "The child was not seen, not seen alone or not listened to; focus went to the adults.",
        "#b04a00",
    ),
    Theme(
        "fathers_overlooked",
        "Fathers and men overlooked",
        "men overlooked",
        "Fathers, partners and other men were not identified, assessed, engaged or checked.",
        "#137a5c",
    ),
    Theme(
        "home_education_concealment",
        "Home education hid the child",
        "home education",
        "Withdrawal from school or missing education kept the child out of professional sight.",
        "#5f579e",
    ),
    Theme(
        "third_party_concerns_ignored",
        "Concerns from others ignored",
        "others ignored",
        "A relative, neighbour or member of the public raised a concern that was not acted on.",
        "#b51e6b",
    ),
    Theme(
        "agency_absence",
        "Agency missing from joint work",
        "agency missing",
        "An agency with relevant information or responsibility was absent or did not share.",
        "#4b7a15",
    ),
)

THEME_IDS: tuple[str, ...] = tuple(t.id for t in THEMES)


def theme(theme_id: str) -> Theme:
    """The theme with this id; a misspelt id is an error naming the known ones."""
    for t in THEMES:
        if t.id == theme_id:
            return t
    from scr_nlp.errors import UsageError

    raise UsageError(f"unknown theme {theme_id!r}; known: {', '.join(THEME_IDS)}")


def check_theme_ids(found: list[str] | tuple[str, ...], where: str) -> None:
    """Refuse a theme list that differs from the taxonomy, naming the difference."""
    from scr_nlp.errors import TaxonomyMismatchError

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
