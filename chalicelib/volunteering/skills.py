"""The fixed list of skills neighbours offer and calls ask for (issue #12): defined once here, translated by the
web app's catalogues. A call's `skills` and a profile's skills both take these codes."""

from __future__ import annotations

from typing import Literal

SKILLS: tuple[str, ...] = (
    "gardening", "small_repairs", "computer_help", "reading_aloud", "accompanying", "language_lb", "language_fr",
    "language_de", "language_en", "language_pt", "homework_help", "driving", "cooking", "knitting",
    "cycling_repairs", "shopping", "dog_walking", "childcare", "elderly_company", "translation", "paperwork",
    "moving_help", "painting", "sewing", "music", "sport_coaching", "photography", "first_aid", "event_setup",
    "cleaning",
)
Skill = Literal[SKILLS]  # type: ignore[valid-type]
