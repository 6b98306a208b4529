"""French labels of the vocabularies, for the pages (one place; ``mapper.vocab`` has the codes).

Services return codes; templates turn them into words through the filters that
``mapper.web.formatting`` registers from these tables.
"""
from __future__ import annotations

CPTS_STATUS = {"intention": "Intention", "projet": "Projet", "valide": "Validée",
               "rejete": "Rejetée"}
SLOT_KIND = {"snp": "soins non programmés", "vaccination": "vaccination",
             "permanence": "permanence"}
WEEKDAY = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre")
SIZE_CATEGORY = {1: "1 (moins de 40 000 habitants)", 2: "2 (40 000 à 80 000 habitants)",
                 3: "3 (80 000 à 175 000 habitants)", 4: "4 (plus de 175 000 habitants)"}


def cpts_status(code: str | None) -> str:
    return CPTS_STATUS.get(code or "", code or "")


def slot_kind(code: str | None) -> str:
    return SLOT_KIND.get(code or "", code or "")


def weekday(iso: int) -> str:
    """1 = lundi … 7 = dimanche."""
    return WEEKDAY[iso - 1]


#: Languages offered by the search (ISO 639-1 code → French name); another code is shown as is.
LANGUAGE = {"en": "anglais", "ar": "arabe", "es": "espagnol", "de": "allemand",
            "it": "italien", "pt": "portugais", "ro": "roumain", "ru": "russe",
            "uk": "ukrainien", "pl": "polonais", "tr": "turc", "zh": "chinois",
            "vi": "vietnamien", "ta": "tamoul", "fa": "persan", "he": "hébreu",
            "hy": "arménien", "wo": "wolof", "bm": "bambara", "ber": "berbère (tamazight)",
            "ln": "lingala", "sw": "swahili", "el": "grec", "nl": "néerlandais",
            "ja": "japonais", "ko": "coréen", "hi": "hindi", "bn": "bengali"}

def N_(message: str) -> str:
    """Marks a French label for the gettext catalogue (``pybabel extract`` reads ``N_``);
    the page translates it when it shows it."""
    return message


#: The competencies in groups for the search form (slug → group); others go to "Autres".
COMPETENCY_GROUPS = (
    (N_("Publics"), ("pediatrie", "perinatalite", "gerontologie", "handicap", "precarite",
                 "langue-des-signes")),
    (N_("Soins"), ("plaies-cicatrisation", "soins-palliatifs", "douleur", "diabete", "cardiologie",
               "oncologie", "nutrition", "sante-mentale", "addictologie")),
    (N_("Prévention et actes"), ("vaccination", "etp", "sante-sexuelle", "ivg-medicamenteuse",
                             "teleexpertise")),
)


def language(code: str | None) -> str:
    return LANGUAGE.get(code or "", code or "")
