"""`mapper import population-age` on files built in INSEE's published layout
(« base-cc-evol-struct-pop-2021.CSV »: ``;``, CODGEO, LIBGEO, P21_POP, P21_POP0014 …
P21_POP7589, P21_POP90P among other columns; the IRIS base's P21_POP75P accepted too), and the
age structure the diagnostic shows next to France's."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from mapper.cli import main
from mapper.imports.population_age import PopulationAgeFormatError, import_population_age
from mapper.services.territories.diagnostic import territorial_diagnostic

from .world import load_communes

#: The head of the real file, in order (a hundred more columns follow in it).
HEADER = ("CODGEO;LIBGEO;P21_POP;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;"
          "P21_POP7589;P21_POP90P;P21_POPH;P21_H0014;P21_POPF;C21_POP15P")


def line(code: str, groups: tuple[float, ...], name: str = "Commune") -> str:
    pop = sum(groups)
    cells = [code, name, f"{pop:.5f}", *[f"{g:.5f}" for g in groups], f"{pop / 2:.5f}",
             "1", f"{pop / 2:.5f}", f"{pop * 0.8:.5f}"]
    return ";".join(cells)


def write(path, rows, header=HEADER):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


GROUPS = {"01001": (100.5, 80.25, 120, 110, 90, 30, 5.5),
          "01002": (300, 250, 400, 380, 300, 150, 20)}


@pytest.fixture()
def grid(session, tmp_path):
    import random
    return load_communes(session, tmp_path, random.Random(3))


def test_published_layout_lands_and_feeds_the_diagnostic(session, grid, tmp_path):
    rows = [line(c, g) for c, g in GROUPS.items()] + [line("75056", (1, 1, 1, 1, 1, 1, 1))]
    report = import_population_age(session, write(tmp_path / "base-cc.CSV", rows))
    assert report.counts["year"] == 2021
    assert report.counts["stored"] == 2 and report.counts["unknown_communes"] == 1
    got = session.execute(text("SELECT * FROM commune_population_age WHERE commune_code = "
                               "'01001'")).mappings().one()
    assert got["pop_0014"] == pytest.approx(100.5) and got["pop_75p"] == pytest.approx(35.5)
    ages = territorial_diagnostic(session, {"communes": ["01001"]}, ["10"])["ages"]
    total = sum(GROUPS["01001"])
    assert ages["year"] == 2021 and ages["communes_with_ages"] == 1
    assert [g["share"] for g in ages["groups"]] == pytest.approx(
        [v / total for v in GROUPS["01001"][:5]] + [(30 + 5.5) / total], abs=1e-4)
    both = [sum(x) for x in zip(*GROUPS.values())]
    france = [g["share_france"] for g in ages["groups"]]
    assert france == pytest.approx([v / sum(both) for v in both[:5]]
                                   + [(both[5] + both[6]) / sum(both)], abs=1e-4)


def test_iris_spelling_of_75_plus_and_decimal_commas(session, grid, tmp_path):
    header = "CODGEO;P19_POP;P19_POP0014;P19_POP1529;P19_POP3044;P19_POP4559;P19_POP6074;P19_POP75P"
    report = import_population_age(session, write(tmp_path / "f.csv", [
        "01003;10;1,5;2;2;2;1,5;1"], header))
    assert report.counts["year"] == 2019 and report.counts["stored"] == 1


@pytest.mark.parametrize("rows, needle", [
    ([line("01001", (1, 2, 3, 4, 5, 6, 7)), "01002;x;1;abc;1;1;1;1;1;1;1;1;1;1"], "line 3"),
    (["1001;x;1;1;1;1;1;1;1;1;1;1;1;1"], "CODGEO"),
    ([line("01001", (1, 2, 3, 4, 5, 6, -7))], "P21_POP90P"),
    ([line("01001", (1,) * 7), line("01001", (1,) * 7)], "duplicate"),
])
def test_a_bad_line_refuses_the_whole_file(session, grid, tmp_path, rows, needle):
    with pytest.raises(PopulationAgeFormatError) as err:
        import_population_age(session, write(tmp_path / "bad.csv", rows))
    assert needle in str(err.value)
    assert session.scalar(text("SELECT count(*) FROM commune_population_age")) == 0


def test_missing_columns_are_named(session, grid, tmp_path):
    with pytest.raises(PopulationAgeFormatError) as err:
        import_population_age(session, write(tmp_path / "x.csv", ["01001;1;1;1;1;1;1"],
                              "CODGEO;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;"
                              "P21_POP6074;P21_POP7589"))
    assert "P21_POP90P" in str(err.value)


def test_command(fresh_database, tmp_path):
    import random

    engine = create_engine(fresh_database.replace("postgresql://", "postgresql+psycopg://", 1)
                           if fresh_database.startswith("postgresql://") else fresh_database)
    with Session(engine) as session:
        load_communes(session, tmp_path, random.Random(1))
        session.commit()
    path = write(tmp_path / "base-cc.CSV", [line(c, g) for c, g in GROUPS.items()])
    result = CliRunner().invoke(main, ["import", "population-age", str(path)],
                                env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code == 0, result.output
    assert "stored: 2" in result.output
    bad = write(tmp_path / "bad.CSV", ["01001;x;1;zz;1;1;1;1;1;1;1;1;1;1"])
    result = CliRunner().invoke(main, ["import", "population-age", str(bad)],
                                env={"MAPPER_DATABASE_URL": fresh_database})
    assert result.exit_code != 0 and "P21_POP0014" in result.output
    with Session(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM commune_population_age")) == 2
    engine.dispose()
