"""The skills neighbours offer and calls ask for (issue #12): one fixed list of codes; the web app translates them."""

SKILLS = (
    "gardening", "small_repairs", "computer_help", "reading_aloud", "accompanying", "language_lb", "language_fr",
    "language_de", "language_en", "language_pt", "homework_help", "driving", "cooking", "knitting", "cycling_repairs",
    "shopping", "dog_walking", "childcare", "elderly_company", "translation", "paperwork", "moving_help", "painting",
    "sewing", "music", "sport_coaching", "photography", "first_aid", "event_setup", "cleaning",
)
