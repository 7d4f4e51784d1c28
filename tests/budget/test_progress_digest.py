"""Implementation tracking in the weekly digest: the progress staff post on a funded project reaches those who
supported it, and nobody else."""

from datetime import timedelta

from chalicelib.budget.models import ProgressItem
from chalicelib.digest import service
from chalicelib.digest.weeks import week_bounds
from tests.digest.test_digest import N1, delivered, make_resident, parts, publish, week  # noqa: F401 (fixture)


def test_supporters_read_the_progress_of_the_projects_they_supported(outbox, week):
    publish(N1, "Op der Hiel")
    make_resident("anna", language="en")
    make_resident("ben", language="fr")
    start, _ = week_bounds(week)
    at = start + timedelta(days=2)
    ProgressItem(ProgressItem.partition("0501"), f"{at.isoformat()}#P1", edition_id="E1", proposal_id="P1",
                 title="Benches on the square", state="in_progress", note="Works start in May.",
                 supporters={"U-anna"}, at=at).save()
    before = set(outbox.glob("*.eml"))

    report = service.run_neighbourhood(N1, "0501", "Op der Hiel", week)

    sent = delivered(outbox, before)
    assert report.sent == 1 and list(sent) == ["anna@example.lu"]  # progress alone makes a digest; ben supported none
    text, html = parts(sent["anna@example.lu"])
    assert "Projects you supported" in text and "Benches on the square: in progress (Works start in May.)" in text
    assert "/communes/0501/budgets/E1/proposals/P1" in html
