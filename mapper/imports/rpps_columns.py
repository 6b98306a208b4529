"""The columns of the Annuaire Santé extraction the importer reads, by header name (their
positions have changed over the years: the 56-column layout added four to the older 52)."""
from __future__ import annotations

#: (RppsRow attribute, header name). Order is RppsRow's field order after ``line_no``.
FIELDS: tuple[tuple[str, str], ...] = (
    ("id_type", "Type d'identifiant PP"),
    ("pp_id", "Identifiant PP"),
    ("national_id", "Identification nationale PP"),
    ("civility", "Code civilité"),
    ("exercise_civility", "Code civilité d'exercice"),
    ("last_name", "Nom d'exercice"),
    ("first_name", "Prénom d'exercice"),
    ("profession_code", "Code profession"),
    ("profession_label", "Libellé profession"),
    ("category_code", "Code catégorie professionnelle"),
    ("savoir_faire_type_code", "Code type savoir-faire"),
    ("savoir_faire_code", "Code savoir-faire"),
    ("savoir_faire_label", "Libellé savoir-faire"),
    ("mode_exercice", "Code mode exercice"),
    ("siret", "Numéro SIRET site"),
    ("finess", "Numéro FINESS site"),
    ("structure_id", "Identifiant technique de la structure"),
    ("structure_name", "Raison sociale site"),
    ("trade_name", "Enseigne commerciale site"),
    ("recipient_complement", "Complément destinataire (coord. structure)"),
    ("geo_complement", "Complément point géographique (coord. structure)"),
    ("street_number", "Numéro Voie (coord. structure)"),
    ("repetition_index", "Indice répétition voie (coord. structure)"),
    ("street_type_code", "Code type de voie (coord. structure)"),
    ("street_type", "Libellé type de voie (coord. structure)"),
    ("street_name", "Libellé Voie (coord. structure)"),
    ("distribution_mention", "Mention distribution (coord. structure)"),
    ("cedex_office", "Bureau cedex (coord. structure)"),
    ("postcode", "Code postal (coord. structure)"),
    ("commune_code", "Code commune (coord. structure)"),
    ("commune_label", "Libellé commune (coord. structure)"),
    ("country_code", "Code pays (coord. structure)"),
    ("phone", "Téléphone (coord. structure)"),
    ("email", "Adresse e-mail (coord. structure)"),
    ("departement_code", "Code Département (structure)"),
    ("sector_code", "Code secteur d'activité"),
    ("role_code", "Code rôle"),
    ("activity_genre_code", "Code genre activité"),
)

#: Columns only the 56-column layout has; absent ones read as None.
OPTIONAL_COLUMNS = frozenset({"Code rôle", "Libellé rôle", "Code genre activité", "Libellé genre activité"})


def column_key(name: str) -> str:
    """Header names compare without case or spacing differences (BOMs are removed earlier)."""
    return " ".join(name.split()).casefold()
