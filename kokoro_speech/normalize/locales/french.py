"""French (France): "1 234,56", "15h30" -> "quinze heures trente", phone numbers in pairs."""

from __future__ import annotations

import re

from num2words import num2words

from kokoro_speech.normalize.currencies import Agreement, Noun, currencies_for
from kokoro_speech.normalize.locales.tables import Abbreviation, ClockTime, LocaleTable, NumberWords

DIGITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
SCALE_NOUNS = frozenset({"million", "millions", "milliard", "milliards"})

# The reform spelling joins every part of a number with hyphens; the model would pause on them.
_HYPHEN = re.compile(r"-")
_FINAL_ONE = re.compile(r"\bun$")
# num2words keeps the plural "s" inside ordinals ("quatre-vingtsième").
_PLURAL_BEFORE_IEME = re.compile(r"(vingt|cent)sième\b")


def _spaced(words: str) -> str:
    return " ".join(_HYPHEN.sub(" ", words).split())


def cardinal(number: int, agreement: Agreement = "counting") -> str:
    words = _spaced(num2words(number, lang="fr"))
    if agreement == "feminine":
        return _FINAL_ONE.sub("une", words)  # "vingt et une heures"
    return words


def ordinal(number: int, form: str = "m") -> str:
    if form == "second":
        return "second"
    if form == "second_f":
        return "seconde"
    words = _spaced(_PLURAL_BEFORE_IEME.sub(r"\1ième", num2words(number, lang="fr", to="ordinal")))
    return "première" if form == "f" and words == "premier" else words


def year(number: int) -> str:
    return cardinal(number)


def say_time(time: ClockTime) -> str:
    """ "15h30" -> "quinze heures trente", "1 h" -> "une heure"; minutes agree with "minute"."""
    words = f"{cardinal(time.hour, 'feminine')} {'heure' if time.hour <= 1 else 'heures'}"
    if time.minute:
        words += f" {cardinal(time.minute, 'feminine')}"
    if time.second:
        words += f" et {cardinal(time.second, 'feminine')} {'seconde' if time.second == 1 else 'secondes'}"
    return words


FRENCH = LocaleTable(
    code="fr-fr",
    words=NumberWords(cardinal, ordinal, year, DIGITS),
    decimal_separator=",",
    # Spaces, no-break and narrow no-break spaces, and the full stop some write.
    group_separators=" \u202f\u00a0.",
    point="virgule",
    other_decimal_separator=".",
    other_point="point",
    minus="moins",
    plus="plus",
    percent="pour cent",
    money_joiner="et",
    scale_nouns=SCALE_NOUNS,
    scale_of="de",
    elided_scale_of="d'",
    singular_below_two=True,
    currencies=currencies_for("fr-fr"),
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    month_abbreviations={"janv.": 1, "févr.": 2, "avr.": 4, "juil.": 7, "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12},
    first_of_month="premier",
    say_time=say_time,
    hour_letter=True,
    phone_pairs=True,
    country_code_as_number=True,
    units={
        "km": Noun("kilomètre", "kilomètres"),
        "m": Noun("mètre", "mètres"),
        "cm": Noun("centimètre", "centimètres"),
        "mm": Noun("millimètre", "millimètres"),
        "km²": Noun("kilomètre carré", "kilomètres carrés"),
        "m²": Noun("mètre carré", "mètres carrés"),
        "m³": Noun("mètre cube", "mètres cubes"),
        "kg": Noun("kilogramme", "kilogrammes"),
        "g": Noun("gramme", "grammes"),
        "mg": Noun("milligramme", "milligrammes"),
        "t": Noun("tonne", "tonnes", feminine=True),
        "l": Noun("litre", "litres"),
        "L": Noun("litre", "litres"),
        "ml": Noun("millilitre", "millilitres"),
        "mL": Noun("millilitre", "millilitres"),
        "cl": Noun("centilitre", "centilitres"),
        "°C": Noun("degré Celsius", "degrés Celsius"),
        "°F": Noun("degré Fahrenheit", "degrés Fahrenheit"),
        "°": Noun("degré", "degrés"),
        "km/h": Noun("kilomètre heure", "kilomètres heure"),
        "m/s": Noun("mètre par seconde", "mètres par seconde"),
        "Ko": Noun("kilooctet", "kilooctets"),
        "Mo": Noun("mégaoctet", "mégaoctets"),
        "Go": Noun("gigaoctet", "gigaoctets"),
        "To": Noun("téraoctet", "téraoctets"),
        "KB": Noun("kilooctet", "kilooctets"),
        "MB": Noun("mégaoctet", "mégaoctets"),
        "GB": Noun("gigaoctet", "gigaoctets"),
        "TB": Noun("téraoctet", "téraoctets"),
        "min": Noun("minute", "minutes", feminine=True),
        "s": Noun("seconde", "secondes", feminine=True),
        "ms": Noun("milliseconde", "millisecondes", feminine=True),
        "W": Noun("watt", "watts"),
        "kW": Noun("kilowatt", "kilowatts"),
        "kWh": Noun("kilowattheure", "kilowattheures"),
        "Hz": Noun("hertz", "hertz"),
    },
    abbreviations={
        "M.": Abbreviation("Monsieur", "name"),
        "MM.": Abbreviation("Messieurs", "name"),
        "Mme": Abbreviation("Madame", "name"),
        "Mmes": Abbreviation("Mesdames", "name"),
        "Mlle": Abbreviation("Mademoiselle", "name"),
        "Mlles": Abbreviation("Mesdemoiselles", "name"),
        "Dr": Abbreviation("docteur", "name"),
        "Dr.": Abbreviation("docteur", "name"),
        "Pr": Abbreviation("professeur", "name"),
        "Me": Abbreviation("maître", "name"),
        "St": Abbreviation("Saint", "name"),
        "Ste": Abbreviation("Sainte", "name"),
        "Cie": Abbreviation("compagnie"),
        "etc.": Abbreviation("et cetera"),
        "p. ex.": Abbreviation("par exemple"),
        "p.ex.": Abbreviation("par exemple"),
        "c.-à-d.": Abbreviation("c'est-à-dire"),
        "env.": Abbreviation("environ"),
        "tél.": Abbreviation("téléphone"),
        "Tél.": Abbreviation("téléphone"),
        "av. J.-C.": Abbreviation("avant Jésus-Christ"),
        "apr. J.-C.": Abbreviation("après Jésus-Christ"),
        "n°": Abbreviation("numéro", "number"),
        "nº": Abbreviation("numéro", "number"),
        "N°": Abbreviation("numéro", "number"),
        "no": Abbreviation("numéro", "number"),
        "p.": Abbreviation("page", "number"),
        "chap.": Abbreviation("chapitre", "number"),
        "vol.": Abbreviation("volume", "number"),
    },
    ordinal_suffixes={
        "er": "m",
        "ᵉʳ": "m",
        "re": "f",
        "ʳᵉ": "f",
        "ère": "f",
        "e": "m",
        "ᵉ": "m",
        "ème": "m",
        "è": "m",
        "eme": "m",
        "nd": "second",
        "nde": "second_f",
    },
)
