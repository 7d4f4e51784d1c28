"""Reading and writing pabulib's `.pb` format (pure: no database)."""

import io
from pathlib import Path

import pytest

from chalicelib.budget import pabulib
from chalicelib.budget.rules import Election

DATA = Path(__file__).resolve().parent.parent / "data" / "pabulib"
FILES = sorted(path.name for path in DATA.glob("*.pb"))


@pytest.mark.parametrize("name", FILES)
def test_every_shared_file_reads_as_its_meta_says(name):
    pb = pabulib.read(DATA / name)

    assert len(pb.projects) == int(pb.meta["num_projects"])
    assert len(pb.votes) == int(pb.meta["num_votes"])
    election = pabulib.election(pb)
    assert election.budget == int(pb.meta["budget"]) and len(election.ballots) == len(pb.votes)
    assert election.kind == ("cumulative" if pb.meta["vote_type"] == "cumulative" else "approval")
    if "votes" in pb.projects[0]:
        for row in pb.projects:
            assert sum(1 for ballot in election.ballots if row["project_id"] in ballot) == int(row["votes"])


def test_cumulative_points_are_kept():
    pb = pabulib.read(DATA / "Poland_Czestochowa_2020_Grabowka.pb")
    election = pabulib.election(pb)

    assert pb.limit("max_sum_points") == 10 and pb.limit("min_sum_points") == 1 and pb.limit("max_length") is None
    assert election.ballots[0] == {"196": 6, "198": 4}
    assert all(sum(ballot.values()) <= 10 for ballot in election.ballots)
    scores = {row["project_id"]: int(row["score"]) for row in pb.projects}
    assert scores == {p: sum(ballot.get(p, 0) for ballot in election.ballots) for p in scores}


def sorted_items(ballot):
    return sorted(ballot.items())


@pytest.mark.parametrize("name", FILES)
def test_writing_anonymises_the_voters_and_reads_back_the_same_election(name, tmp_path):
    pb = pabulib.read(DATA / name)

    pabulib.write(pb, tmp_path / "out.pb")
    again = pabulib.read(tmp_path / "out.pb")

    assert [row["voter_id"] for row in again.votes] == [str(i) for i in range(1, len(pb.votes) + 1)]
    assert set(again.votes[0]) <= {"voter_id", "vote", "points"}
    assert again.meta == pb.meta and again.projects == pb.projects
    election, back = pabulib.election(pb), pabulib.election(again)
    assert (back.budget, back.projects, back.kind) == (election.budget, election.projects, election.kind)
    assert sorted(map(sorted_items, back.ballots)) == sorted(map(sorted_items, election.ballots))
    assert again.selected() == pb.selected()
    assert pabulib.dumps(again) == pabulib.dumps(pb)  # a second round trip changes nothing


def test_personal_columns_are_dropped_unless_asked_for():
    text = ("META\nkey;value\nbudget;100\nvote_type;approval\nnum_votes;2\n"
            "PROJECTS\nproject_id;cost;name\na;60;Bänke am Weiher\nb;40;\"Park; Spielplatz\"\n"
            "VOTES\nvoter_id;age;sex;neighbourhood;vote\nanna@example.lu;34;F;Nord;a,b\nX17;71;M;Süd;b\n")
    pb = pabulib.read(io.StringIO(text))

    plain = pabulib.read(io.StringIO(pabulib.dumps(pb)))
    assert plain.votes == [{"voter_id": "1", "vote": "a,b"}, {"voter_id": "2", "vote": "b"}]
    # the order tells nothing: the same ballots stored the other way round are written the same
    swapped = pabulib.PabulibFile(meta=pb.meta, projects=pb.projects, votes=pb.votes[::-1])
    assert pabulib.dumps(swapped) == pabulib.dumps(pb)
    assert plain.projects[1]["name"] == "Park; Spielplatz"
    assert "anna" not in pabulib.dumps(pb) and "71" not in pabulib.dumps(pb)
    kept = pabulib.read(io.StringIO(pabulib.dumps(pb, keep=("neighbourhood",))))
    assert kept.votes == [{"voter_id": "1", "neighbourhood": "Nord", "vote": "a,b"},
                          {"voter_id": "2", "neighbourhood": "Süd", "vote": "b"}]


def test_an_election_made_here_round_trips():
    election = Election(budget=500, projects={"x": 300, "y": 200, "z": 250},
                        ballots=({"x": 3, "z": 2}, {"y": 5}, {"x": 1, "y": 1, "z": 1}), kind="cumulative")

    pb = pabulib.from_election(election, meta={"description": "Dudelange 2027", "max_sum_points": "5"},
                               names={"x": "Bänke"})
    again = pabulib.read(io.StringIO(pabulib.dumps(pb)))

    assert sorted(map(sorted_items, pabulib.election(again).ballots)) == sorted(map(sorted_items, election.ballots))
    assert again.meta["vote_type"] == "cumulative" and again.projects[0]["name"] == "Bänke"
    assert [row["votes"] for row in again.projects] == ["2", "2", "2"]


@pytest.mark.parametrize("text, problem", [
    ("key;value\nbudget;10\n", "before the META"),
    ("META\nkey;value\nbudget;10\n", "no PROJECTS"),
    ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;ten\n", "not a number"),
    ("META\nkey;value\nbudget;10.5\nPROJECTS\nproject_id;cost\na;1\n", "not a whole amount"),
    ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a,b\n", "project b"),
    ("META\nkey;value\nvote_type;cumulative\nbudget;10\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote;points\n"
     "1;a;1,2\n", "1 projects but 2 points"),
    ("META\nkey;value\nPROJECTS\nproject_id;cost\na;1\n", "no budget"),
])
def test_malformed_files_are_refused_saying_why(text, problem):
    with pytest.raises(pabulib.PabulibError, match=problem):
        pabulib.election(pabulib.read(io.StringIO(text)))
