"""A synthetic commune for the demo, in the address register's own CSV schema.

"Demo-Gemeng" (LAU2 9901, fictional) borrows the real street names of Dalheim, Filsdorf and
Welfrange (../shared/data/lu-streets.csv) and lays them out around three village centres in the
Moselle hills, with house numbers along each street: about 600 addresses, deterministic
(`random.Random(SEED)`), so the demo looks the same on every machine and imports idempotently.
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

from chalicelib.addresses.register import COLUMNS

LAU2 = "9901"
NAME = "Demo-Gemeng"
SEED = 9901
# Locality -> (centre lat, lon, addresses); a large village and two smaller ones ~2 km apart.
VILLAGES = {
    "Dalheim": (49.5405, 6.2600, 310),
    "Filsdorf": (49.5265, 6.2330, 180),
    "Welfrange": (49.5500, 6.2880, 120),
}
METRES_PER_DEGREE_LAT = 111_320
# Real street names and postcodes of Dalheim's localities, from lu-streets.csv (copied here so the demo
# needs nothing outside the repository; `demo_streets_from(path)` reads them again), plus a
# "Rue de l'Église" in Filsdorf (as in many Luxembourg villages) for the autocomplete examples.
STREETS: dict[str, list[tuple[str, str]]] = {'Dalheim': [('An der Gässel', '5686'), ('Baachhiel', '5682'), ('Biergstrooss', '5683'), ('Bockenhiel', '5682'),
             ('Buchholzerhaff', '5898'), ('Daennestrooss', '5683'), ('Dräikantonstrooss', '5687'),
             ('Engelsgaass', '5681'), ('Feldstrooss', '5683'), ('Gemengeplaz', '5680'),
             ('Georges Reuter Plaz', '5685'), ('Heedscheierhaff', '5684'), ('Heedscheierwee', '5684'),
             ('Hossegaass', '5687'), ('Jean-Pierre-Hentzenstrooss', '5687'), ('Kettegaass', '5680'),
             ('Kierlingerstrooss', '5685'), ('Kierfechtstrooss', '5685'), ('Kiischtestrooss', '5683'),
             ('Kloosgaass', '5680'), ('Krautemergaass', '5686'), ('Luisgaass', '5681'), ('Neie Wee', '5687'),
             ('Om Bombaasch', '5684'), ('Om Bongert', '5682'), ('Om Flouer', '5681'), ('Om Kläppchen', '5682'),
             ('Om Widdem', '5685'), ('Op de Fielzen', '5685'), ('Op der Gruefkaul', '5685'),
             ('Op der Louerei', '5684'), ('Op der Strooss', '5680'), ('Péiteschbierg', '5686'),
             ('Redoutewee', '5687'), ('Robert-Wiget-Strooss', '5685'), ('Schleemillen', '5680'),
             ('Schmaddegaass', '5687'), ('Schnutzegaass', '5687'), ('Sonnestrooss', '5683'), ('Suebelwee', '5685'),
             ('Wénkelhiel', '5680'), ('Waasserklapp', '5681'), ('Waldbriedemeserstrooss', '5680'),
             ('Wendelstrooss', '5683')],
 'Filsdorf': [("Rue de l'Église", '5730'), ('Rue de Mondorf', '5730'), ('Am klengen Eck', '5741'), ('Am laange Gaart', '5741'),
              ('Am Eck', '5741'), ('Am Felteseck', '5741'), ('Am Pesch', '5740'), ('Am Séissaker', '5741'),
              ('An Schneider', '5740'), ('Buchholzerwee', '5740'), ('Dräikantonstrooss', '5740'),
              ('Gässel', '5740'), ('Kabesbierg', '5741'), ('Kiirchestrooss', '5741'), ('Läichewee', '5741'),
              ('Lëtzebuergerstrooss', '5741'), ('Munnereferstrooss', '5741'), ('Trotzeneck', '5740'),
              ('Uespelterwee', '5740'), ('Woneschwee', '5741')],
 'Welfrange': [('Am Lësgesfeld', '5698'), ('An de Pëtzstécker', '5698'), ('Faehrbongerten', '5698'),
               ('Faehrwee', '5698'), ('Kiircheplaz', '5698'), ('Kiischtebierg', '5698'), ('Munnerëferwee', '5698'),
               ('Onner Gard', '5698'), ('Op der Huuscht', '5698'), ('Réimecherwee', '5698'),
               ('Reckingerhaff', '5421'), ('Saangewee', '5698'), ('Schléiwegaass', '5698'),
               ('Waassergaass', '5698')]}


def demo_streets_from(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Locality -> [(street, postcode)] of the real commune of Dalheim, from lu-streets.csv."""
    streets: dict[str, list[tuple[str, str]]] = {locality: [] for locality in VILLAGES}
    with open(path, encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if row["commune"] == "Dalheim" and row["localite"] in streets:
                pair = (row["rue"], row["code_postal"])
                if pair[0] not in {s for s, _ in streets[row["localite"]]}:
                    streets[row["localite"]].append(pair)
    return streets


def demo_register() -> bytes:
    """The register file of Demo-Gemeng (UTF-8 with BOM, like the real one)."""
    rng = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    street_id, building_id = 99010000, 99010000
    for locality, streets in STREETS.items():
        lat0, lon0, wanted = VILLAGES[locality]
        per_street = max(4, wanted // len(streets))
        placed = 0
        for index, (street, postcode) in enumerate(streets):
            if placed >= wanted:
                break
            street_id += 1
            # Each street leaves the centre in its own direction, starting a little way out.
            angle = 2 * math.pi * index / len(streets) + rng.uniform(-0.2, 0.2)
            start = rng.uniform(20, 260)
            count = min(per_street + rng.randint(-2, 3), wanted - placed)
            for house in range(1, count + 1):
                distance = start + 14 * house + rng.uniform(-4, 4)
                side = 12 if house % 2 else -12
                north = distance * math.cos(angle) + side * math.sin(angle)
                east = distance * math.sin(angle) - side * math.cos(angle)
                lat = lat0 + north / METRES_PER_DEGREE_LAT
                lon = lon0 + east / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat0)))
                number = str(house) + ("A" if rng.random() < 0.05 else "")
                building_id += 1
                writer.writerow([
                    street, number, locality, postcode, street_id, building_id, f"{lat:.7f}", f"{lon:.7f}",
                    "", "", f"DEMO_{street_id}_{number}", NAME, LAU2,
                ])
                placed += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8")


if __name__ == "__main__":  # python -m ops.demo_commune > demo.csv
    import sys

    sys.stdout.buffer.write(demo_register())
