"""The demo's indicators (#14): after its week of life, Demo-Gemeng's staff see users, weekly active residents,
messages and exchanges and volunteer actions, counted by the services as the week was written, small figures
hidden per neighbourhood; loading again counts nothing twice."""

from chalicelib.indicators.models import IndicatorsQuery
from chalicelib.indicators.service import dashboard
from ops.demo import load_demo
from ops.demo_indicators import load_demo_indicators

DEMO = "9901"


def _last_two_weeks(board, name):
    return sum(point.figures[name] for point in board.series[-2:])  # the demo's week spans at most two ISO weeks


def test_after_the_demo_week_the_dashboard_shows_its_life_with_small_figures_hidden():
    load_demo()
    board = dashboard(DEMO, IndicatorsQuery(period="week"))  # its series ends with this week
    assert board.series[-1].figures["weekly_active"] == 3  # Anna, Ben and Carla
    assert _last_two_weeks(board, "posts") >= 5 and _last_two_weeks(board, "comments") >= 1
    assert _last_two_weeks(board, "messages") >= 1 and _last_two_weeks(board, "new_verified") >= 3
    commune = board.commune
    assert commune is not None and commune["verified"].value >= 3 and commune["households"].value >= 3
    assert 0 < commune["adoption"].value < 0.1
    first = next(row for row in board.neighbourhoods if row.figures["verified"].suppressed)  # a handful of residents
    assert first.figures["verified"].value is None
    # Loading again counts nothing twice
    load_demo()
    load_demo_indicators()
    again = dashboard(DEMO, IndicatorsQuery(period="week"))
    assert again.series[-1].figures == board.series[-1].figures
