"""RPPS extraction files (``PS_LibreAcces_Personne_activite``) in the real format, for tests
and benchmarks: pipe-separated UTF-8, header line, trailing ``|`` on every line.

Both layouts are available (56 columns, and the older 52 without the rôle / genre d'activité
columns) and any column order can be written, to prove the parser reads by name. The column
names are written out here independently of the parser, so a typo on either side shows up.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable, Sequence

HEADER_56: tuple[str, ...] = (
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité", "Libellé civilité",
    "Nom d'exercice", "Prénom d'exercice", "Code profession", "Libellé profession",
    "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site",
    "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site", "Enseigne commerciale site",
    "Complément destinataire (coord. structure)", "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)", "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)", "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)", "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)",
    "Code pays (coord. structure)", "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens",
    "Code rôle", "Libellé rôle", "Code genre activité", "Libellé genre activité",
)
NEW_IN_56 = ("Code rôle", "Libellé rôle", "Code genre activité", "Libellé genre activité")
HEADER_52: tuple[str, ...] = tuple(c for c in HEADER_56 if c not in NEW_IN_56)

#: Short names for the columns tests care about.
ALIASES = {
    "id_type": "Type d'identifiant PP", "pp_id": "Identifiant PP", "national_id": "Identification nationale PP",
    "civility": "Code civilité", "exercise_civility": "Code civilité d'exercice",
    "last_name": "Nom d'exercice", "first_name": "Prénom d'exercice",
    "profession_code": "Code profession", "profession_label": "Libellé profession",
    "category_code": "Code catégorie professionnelle",
    "savoir_faire_code": "Code savoir-faire", "savoir_faire_label": "Libellé savoir-faire",
    "mode_exercice": "Code mode exercice", "siret": "Numéro SIRET site", "finess": "Numéro FINESS site",
    "structure_id": "Identifiant technique de la structure",
    "structure_name": "Raison sociale site", "trade_name": "Enseigne commerciale site",
    "geo_complement": "Complément point géographique (coord. structure)",
    "street_number": "Numéro Voie (coord. structure)", "repetition_index": "Indice répétition voie (coord. structure)",
    "street_type_code": "Code type de voie (coord. structure)", "street_type": "Libellé type de voie (coord. structure)",
    "street_name": "Libellé Voie (coord. structure)", "distribution_mention": "Mention distribution (coord. structure)",
    "postcode": "Code postal (coord. structure)", "commune_code": "Code commune (coord. structure)",
    "commune_label": "Libellé commune (coord. structure)", "phone": "Téléphone (coord. structure)",
    "email": "Adresse e-mail (coord. structure)", "departement_code": "Code Département (structure)",
    "role_code": "Code rôle", "activity_genre_code": "Code genre activité",
}

#: What a row "without address" lacks: the whole structure address, as in the real file.
ADDRESS_COLUMNS = tuple(ALIASES[k] for k in (
    "geo_complement", "street_number", "repetition_index", "street_type_code", "street_type",
    "street_name", "distribution_mention", "postcode", "commune_code", "commune_label",
)) + ("Complément destinataire (coord. structure)", "Bureau cedex (coord. structure)")


def rpps_record(**fields: str) -> dict[str, str]:
    """A médecin généraliste practising in Paris 14e; override with ALIASES keys or, via
    ``columns={header: value}``, any header name."""
    pp_id = fields.pop("pp_id", "10001234567")
    id_type = fields.pop("id_type", "8")
    record = {
        "Type d'identifiant PP": id_type, "Identifiant PP": pp_id,
        "Identification nationale PP": f"{id_type}{pp_id}",
        "Code civilité d'exercice": "DR", "Libellé civilité d'exercice": "Docteur",
        "Code civilité": "MME", "Libellé civilité": "Madame",
        "Nom d'exercice": "DUPONT", "Prénom d'exercice": "Hélène",
        "Code profession": "10", "Libellé profession": "Médecin",
        "Code catégorie professionnelle": "C", "Libellé catégorie professionnelle": "Civil",
        "Code type savoir-faire": "S", "Libellé type savoir-faire": "Spécialité ordinale",
        "Code savoir-faire": "SM54", "Libellé savoir-faire": "Médecine Générale (SM)",
        "Code mode exercice": "L", "Libellé mode exercice": "Libéral, indépendant, artisan, commerçant",
        "Numéro SIRET site": "", "Numéro SIREN site": "", "Numéro FINESS site": "",
        "Numéro FINESS établissement juridique": "", "Identifiant technique de la structure": "R10100000123456",
        "Raison sociale site": "CABINET DU DR DUPONT", "Enseigne commerciale site": "",
        "Numéro Voie (coord. structure)": "12", "Indice répétition voie (coord. structure)": "B",
        "Code type de voie (coord. structure)": "R", "Libellé type de voie (coord. structure)": "Rue",
        "Libellé Voie (coord. structure)": "de la Paix",
        "Code postal (coord. structure)": "75014", "Code commune (coord. structure)": "75114",
        "Libellé commune (coord. structure)": "Paris 14e Arrondissement",
        "Code pays (coord. structure)": "", "Libellé pays (coord. structure)": "",
        "Téléphone (coord. structure)": "0145000000", "Adresse e-mail (coord. structure)": "",
        "Code Département (structure)": "75", "Libellé Département (structure)": "Paris",
        "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
        "Code secteur d'activité": "SA07", "Libellé secteur d'activité": "Cabinet individuel",
        "Code rôle": "FON-01", "Libellé rôle": "Titulaire de cabinet",
        "Code genre activité": "GENR01", "Libellé genre activité": "Activité standard",
    }
    record.update(fields.pop("columns", {}))
    for alias, value in fields.items():
        record[ALIASES[alias]] = value
    return record


def without_address(record: dict[str, str]) -> dict[str, str]:
    return {**record, **{c: "" for c in ADDRESS_COLUMNS}}


def format_line(record: dict[str, str], columns: Sequence[str], trailing_pipe: bool = True) -> str:
    line = "|".join(record.get(c, "") for c in columns)
    return line + "|" if trailing_pipe else line


def write_rpps_file(
    path: str | Path,
    records: Iterable[dict[str, str]],
    *,
    columns: Sequence[str] = HEADER_56,
    bom: bool = False,
    newline: str = "\n",
    trailing_pipe: bool = True,
) -> Path:
    """Write ``records`` (header name → value; missing cells empty) under ``columns``."""
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        out.write(format_line(dict(zip(columns, columns)), columns, trailing_pipe) + newline)
        for record in records:
            out.write(format_line(record, columns, trailing_pipe) + newline)
    return path


_STREETS = [
    ("R", "Rue", "de la Paix"), ("AV", "Avenue", "du Général Leclerc"), ("BD", "Boulevard", "Saint-Michel"),
    ("PL", "Place", "de l'Église"), ("CHE", "Chemin", "des Œillets"), ("ALL", "Allée", 'dite "des Pins"'),
    ("IMP", "Impasse", "Sainte-Zoé; bât. C"), ("RTE", "Route", "de Marseille"),
]
_COMMUNES = [
    ("75014", "75114", "Paris 14e Arrondissement", "75"), ("13001", "13201", "Marseille 1er Arrondissement", "13"),
    ("04000", "04070", "Digne-les-Bains", "04"), ("69003", "69383", "Lyon 3e Arrondissement", "69"),
    ("06000", "06088", "Nice", "06"), ("84000", "84007", "Avignon", "84"),
]
_PROFESSIONS = [("10", "Médecin", "SM54"), ("60", "Infirmier", ""), ("70", "Masseur-Kinésithérapeute", ""),
                ("21", "Pharmacien", ""), ("40", "Chirurgien-Dentiste", "SCD01"), ("50", "Sage-Femme", "")]


def _template(rng: random.Random, columns: Sequence[str], messy: bool) -> str:
    """Everything after the three identifier columns, for one random practice situation."""
    street_code, street_type, street_name = rng.choice(_STREETS)
    postcode, citycode, city, dep = rng.choice(_COMMUNES)
    profession, label, savoir_faire = rng.choice(_PROFESSIONS)
    record = rpps_record(
        last_name=rng.choice(["MARTIN", "BERNARD", "N'DIAYE", "LE GOFF", "DUPONT-ÉTIENNE"]),
        first_name=rng.choice(["Zoé", "Jean-Luc", "Anaïs", "Loïc", "Marie"]),
        profession_code=profession, profession_label=label, savoir_faire_code=savoir_faire,
        street_number=str(rng.randint(1, 250)), repetition_index=rng.choice(["", "", "", "B", "T"]),
        street_type_code=street_code, street_type=street_type, street_name=street_name,
        postcode=postcode, commune_code=citycode, commune_label=city, departement_code=dep,
    )
    if messy:
        roll = rng.random()
        if roll < 0.08:
            record = without_address(record)
        elif roll < 0.12:
            record["Libellé genre activité"] = ""  # an empty last field: the line ends "||"
    return format_line(record, columns[3:])


def write_rpps_bulk(path: str | Path, n_rows: int, *, columns: Sequence[str] = HEADER_56, messy: bool = True,
                    seed: int = 0, templates: int = 997) -> Path:
    """``n_rows`` realistic rows, fast (2 M rows in a few seconds): a pool of random row tails
    is combined with generated identifiers. With ``messy``, about 8 % of rows have no address,
    4 % an empty last field, 2 % are ADELI (type 0) and 10 % repeat the previous professional
    (several practice situations)."""
    if tuple(columns[:3]) != HEADER_56[:3]:
        raise ValueError("bulk files keep the three identifier columns first; use write_rpps_file for other orders")
    rng = random.Random(seed)
    tails = [_template(rng, columns, messy) for _ in range(templates)]
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        out.write("|".join(columns) + "|\n")
        batch: list[str] = []
        pp = 10000000000
        for i in range(n_rows):
            kind = i % 50
            if messy and kind == 7:
                head = f"0|{750000000 + i}|0{750000000 + i}"
            else:
                if not (messy and kind % 10 == 3):  # otherwise: same professional, another site
                    pp += 1
                head = f"8|{pp}|8{pp}"
            batch.append(f"{head}|{tails[i % templates]}\n")
            if len(batch) == 20000:
                out.writelines(batch)
                batch.clear()
        out.writelines(batch)
    return path
