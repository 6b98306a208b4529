"""French labels of the vocabularies, for the pages (one place; ``mapper.vocab`` has the codes).

Services return codes; templates turn them into words through the filters that
``mapper.web.formatting`` registers from these tables. Every label is marked with ``N_`` so
that ``pybabel extract`` puts it in the catalogue; a page shows it in the visitor's language
with the ``tr`` filter (``{{ label | tr }}``) or ``mapper.http.i18n.translate``.
"""
from __future__ import annotations


from .messages import N_, Message  # noqa: F401 - re-exported for the pages


CPTS_STATUS = {"intention": N_("Lettre d'intention"), "projet": N_("Projet de santé"),
               "valide": N_("Validée"), "aci_signe": N_("Contrat ACI signé"),
               "rejete": N_("Rejetée")}
#: The state of an overlap between two projects (vocab.CONCILIATION_STATES).
CONCILIATION_STATE = {"a_concilier": N_("À concilier"), "en_conciliation": N_("En conciliation"),
                      "resolue_arbitrage": N_("Résolu par arbitrage"),
                      "resolue_territoire": N_("Résolu par modification du territoire")}
SLOT_KIND = {"snp": N_("soins non programmés"), "vaccination": N_("vaccination"),
             "permanence": N_("permanence")}
#: Campaign kinds and how a permanence receives (vocab.CAMPAIGN_KINDS, APPOINTMENT_MODES).
CAMPAIGN_KIND = {"vaccination_grippe": N_("Vaccination contre la grippe"),
                 "vaccination_covid": N_("Vaccination contre le Covid-19"),
                 "vaccination": N_("Vaccination"), "depistage": N_("Dépistage"),
                 "prevention": N_("Prévention"), "autre": N_("Autre")}
APPOINTMENT_MODE = {"sans_rdv": N_("Sans rendez-vous"), "sur_rdv": N_("Sur rendez-vous"),
                    "les_deux": N_("Avec ou sans rendez-vous")}
#: How a professional prefers to receive referrals (vocab.REFERRAL_PREFERENCES).
REFERRAL_PREFERENCE = {"phone": N_("par téléphone"), "mssante": N_("par messagerie MSSanté"),
                       "letter": N_("par courrier")}
WEEKDAY = (N_("lundi"), N_("mardi"), N_("mercredi"), N_("jeudi"), N_("vendredi"), N_("samedi"),
           N_("dimanche"))
MONTH = (N_("janvier"), N_("février"), N_("mars"), N_("avril"), N_("mai"), N_("juin"),
         N_("juillet"), N_("août"), N_("septembre"), N_("octobre"), N_("novembre"),
         N_("décembre"))
SIZE_CATEGORY = {1: N_("1 (moins de 40 000 habitants)"), 2: N_("2 (40 000 à 80 000 habitants)"),
                 3: N_("3 (80 000 à 175 000 habitants)"), 4: N_("4 (plus de 175 000 habitants)")}

#: The labels of the professions and competencies the database ships (migration 0003), for
#: the catalogue: pages translate the label read from the database with ``tr``. A test checks
#: that every label in the database is listed here.
PROFESSION_LABELS = (
    N_("Médecin"), N_("Pharmacien"), N_("Audioprothésiste"), N_("Opticien-lunetier"),
    N_("Assistant dentaire"), N_("Physicien médical"), N_("Préparateur en pharmacie"),
    N_("Préparateur en pharmacie hospitalière"), N_("Chirurgien-dentiste"), N_("Sage-femme"),
    N_("Infirmier"), N_("Infirmier psychiatrique"), N_("Masseur-kinésithérapeute"),
    N_("Pédicure-podologue"), N_("Orthoprothésiste"), N_("Podo-orthésiste"),
    N_("Orthopédiste-orthésiste"), N_("Oculariste"), N_("Épithésiste"),
    N_("Technicien de laboratoire médical"), N_("Orthophoniste"), N_("Orthoptiste"),
    N_("Ergothérapeute"), N_("Diététicien"), N_("Psychomotricien"), N_("Manipulateur ERM"),
    N_("Psychologue"), N_("Travailleur social"), N_("Assistant de service social"),
    N_("Médiateur en santé"), N_("Coordinateur"), N_("Assistant médical"),
    N_("Enseignant en activité physique adaptée"), N_("Éducateur spécialisé"),
)
COMPETENCY_LABELS = (
    N_("Plaies et cicatrisation"), N_("Soins palliatifs"), N_("Diabète"), N_("Pédiatrie"),
    N_("Éducation thérapeutique du patient (ETP)"), N_("Santé mentale"),
    N_("Langue des signes (LSF)"), N_("Gérontologie"), N_("Addictologie"),
    N_("Santé sexuelle et contraception"), N_("IVG médicamenteuse"), N_("Vaccination"),
    N_("Douleur chronique"), N_("Handicap"), N_("Périnatalité"), N_("Nutrition et obésité"),
    N_("Insuffisance cardiaque"), N_("Soins de support en oncologie"),
    N_("Santé et précarité"), N_("Téléexpertise"),
)


def cpts_status(code: str | None) -> str:
    return CPTS_STATUS.get(code or "", code or "")


def slot_kind(code: str | None) -> str:
    return SLOT_KIND.get(code or "", code or "")


def weekday(iso: int) -> str:
    """1 = lundi … 7 = dimanche."""
    return WEEKDAY[iso - 1]


#: Languages offered by the search form (ISO 639 codes), named by CLDR in the page's language
#: (``http.i18n.language_name``).
SEARCH_LANGUAGES = ("en", "ar", "es", "de", "it", "pt", "ro", "ru", "uk", "pl", "tr", "zh",
                    "vi", "ta", "fa", "he", "hy", "wo", "bm", "ber", "ln", "sw", "el", "nl",
                    "ja", "ko", "hi", "bn")
#: Names CLDR does not have (ISO 639-2 collective codes).
OTHER_LANGUAGE_NAMES = {"ber": N_("berbère (tamazight)")}

#: The competencies in groups for the search form (slug → group); others go to "Autres".
COMPETENCY_GROUPS = (
    (N_("Publics"), ("pediatrie", "perinatalite", "gerontologie", "handicap", "precarite",
                 "langue-des-signes")),
    (N_("Soins"), ("plaies-cicatrisation", "soins-palliatifs", "douleur", "diabete", "cardiologie",
               "oncologie", "nutrition", "sante-mentale", "addictologie")),
    (N_("Prévention et actes"), ("vaccination", "etp", "sante-sexuelle", "ivg-medicamenteuse",
                             "teleexpertise")),
)


#: Kinds of places (lieux), as the coordinator's pages and the CSV template name them.
PLACE_KIND = {"cabinet": N_("Cabinet"), "msp": N_("Maison de santé pluriprofessionnelle (MSP)"),
              "centre_sante": N_("Centre de santé"), "pharmacie": N_("Pharmacie"),
              "laboratoire": N_("Laboratoire"), "ehpad": N_("EHPAD"),
              "etablissement": N_("Établissement de santé"),
              "mairie": N_("Mairie ou salle municipale"), "autre": N_("Autre lieu")}
