"""Spanish (Spain): "1.234,56", "12,50 €" -> "doce euros con cincuenta céntimos"."""

from __future__ import annotations

import re

from num2words import num2words

from kokoro_speech.normalize.currencies import Agreement, Noun, currencies_for
from kokoro_speech.normalize.locales.tables import Abbreviation, ClockTime, LocaleTable, NumberWords

DIGITS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
SCALE_NOUNS = frozenset({"millón", "millones", "billón", "billones"})

# num2words writes "veintiuno millones" and "ciento uno mil": before a noun or "mil" the one is short.
_ONE_BEFORE_SCALE = re.compile(r"\b(veinti)?uno(?= (?:mil|millón|millones|billón|billones)\b)")
_LAST_ONE = re.compile(r"\b(veinti)?uno$")
_HUNDREDS = re.compile(r"ientos\b")
_UP_TO_MILLIONS = re.compile(r".*\b(?:millón|millones|billón|billones) ")
_GLUED_ORDINAL = re.compile(r"(décimo)(?=\S)")
_SHORT_ORDINALS = {"primero": "primer", "tercero": "tercer"}


def _short_one(match: re.Match[str]) -> str:
    return "veintiún" if match[1] else "un"


def _feminine(words: str) -> str:
    """Hundreds and a final one agree with a feminine noun ("doscientas una libras" is wrong, but
    "doscientas libras" and "veintiuna libras" are right); millions stay masculine nouns."""
    millions = _UP_TO_MILLIONS.match(words)
    head = millions[0] if millions else ""
    tail = _HUNDREDS.sub("ientas", words[len(head) :])
    return head + _LAST_ONE.sub(lambda m: "veintiuna" if m[1] else "una", tail)


def cardinal(number: int, agreement: Agreement = "counting") -> str:
    words = _ONE_BEFORE_SCALE.sub(_short_one, num2words(number, lang="es"))
    if agreement == "masculine":
        return _LAST_ONE.sub(_short_one, words)
    if agreement == "feminine":
        return _feminine(words)
    return words


def ordinal(number: int, form: str = "m") -> str:
    words = _GLUED_ORDINAL.sub(r"\1 ", num2words(number, lang="es", to="ordinal"))
    if form == "f":
        return " ".join(word[:-1] + "a" if word.endswith("o") else word for word in words.split())
    if form == "short":
        head, _, last = words.rpartition(" ")
        return f"{head} {_SHORT_ORDINALS.get(last, last)}".strip()
    return words


def year(number: int) -> str:
    return cardinal(number)


# Parts of the day said after a 12 h time: the last hour (on the 12 h clock) each one covers.
_AM_PARTS = ((5, "de la madrugada"), (11, "de la mañana"), (12, "de la noche"))
_PM_PARTS = ((7, "de la tarde"), (11, "de la noche"), (12, "del mediodía"))
_QUARTER, _HALF = 15, 30
_NOON = 12


def _part_of_day(hour: int, parts: tuple[tuple[int, str], ...]) -> str:
    return next(words for last, words in parts if hour <= last)


def say_time(time: ClockTime) -> str:
    """ "3:30 p. m." -> "tres y media de la tarde", "14:30" -> "catorce y treinta", "14:00" -> "catorce horas"."""
    hour = cardinal(time.hour, "feminine")  # la hora: "la una", "las veintiuna"
    if time.minute == 0:
        words = f"{hour} en punto" if time.meridiem or 0 < time.hour <= _NOON else f"{hour} horas"
    elif time.meridiem and time.minute == _QUARTER:
        words = f"{hour} y cuarto"
    elif time.meridiem and time.minute == _HALF:
        words = f"{hour} y media"
    else:
        words = f"{hour} y {cardinal(time.minute)}"
    if time.second:
        words += f" y {cardinal(time.second, 'masculine')} {'segundo' if time.second == 1 else 'segundos'}"
    if time.meridiem == "am":
        words += " " + _part_of_day(time.hour, _AM_PARTS)
    elif time.meridiem == "pm":
        words += " " + _part_of_day(time.hour, _PM_PARTS)
    return words


SPANISH = LocaleTable(
    code="es",
    words=NumberWords(cardinal, ordinal, year, DIGITS),
    decimal_separator=",",
    group_separators=".\u202f\u00a0",
    point="coma",
    other_decimal_separator=".",
    other_point="punto",
    minus="menos",
    plus="más",
    percent="por ciento",
    money_joiner="con",
    scale_nouns=SCALE_NOUNS,
    scale_of="de",
    currencies=currencies_for("es"),
    months=(
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    month_abbreviations={
        "ene.": 1,
        "feb.": 2,
        "mar.": 3,
        "abr.": 4,
        "jun.": 6,
        "jul.": 7,
        "ago.": 8,
        "sept.": 9,
        "sep.": 9,
        "oct.": 10,
        "nov.": 11,
        "dic.": 12,
    },
    date_joiner="de",
    say_time=say_time,
    meridiems=True,
    time_suffixes=("h.", "h", "hs", "hrs.", "hrs", "horas"),
    phone_pairs=True,
    country_code_as_number=True,
    units={
        "km": Noun("kilómetro", "kilómetros"),
        "m": Noun("metro", "metros"),
        "cm": Noun("centímetro", "centímetros"),
        "mm": Noun("milímetro", "milímetros"),
        "km²": Noun("kilómetro cuadrado", "kilómetros cuadrados"),
        "m²": Noun("metro cuadrado", "metros cuadrados"),
        "m³": Noun("metro cúbico", "metros cúbicos"),
        "kg": Noun("kilogramo", "kilogramos"),
        "g": Noun("gramo", "gramos"),
        "mg": Noun("miligramo", "miligramos"),
        "t": Noun("tonelada", "toneladas", feminine=True),
        "l": Noun("litro", "litros"),
        "L": Noun("litro", "litros"),
        "ml": Noun("mililitro", "mililitros"),
        "mL": Noun("mililitro", "mililitros"),
        "cl": Noun("centilitro", "centilitros"),
        "°C": Noun("grado Celsius", "grados Celsius"),
        "ºC": Noun("grado Celsius", "grados Celsius"),
        "°F": Noun("grado Fahrenheit", "grados Fahrenheit"),
        "°": Noun("grado", "grados"),
        "km/h": Noun("kilómetro por hora", "kilómetros por hora"),
        "m/s": Noun("metro por segundo", "metros por segundo"),
        "mph": Noun("milla por hora", "millas por hora", feminine=True),
        "KB": Noun("kilobyte", "kilobytes"),
        "MB": Noun("megabyte", "megabytes"),
        "GB": Noun("gigabyte", "gigabytes"),
        "TB": Noun("terabyte", "terabytes"),
        "h": Noun("hora", "horas", feminine=True),
        "min": Noun("minuto", "minutos"),
        "s": Noun("segundo", "segundos"),
        "ms": Noun("milisegundo", "milisegundos"),
        "W": Noun("vatio", "vatios"),
        "kW": Noun("kilovatio", "kilovatios"),
        "kWh": Noun("kilovatio hora", "kilovatios hora"),
        "Hz": Noun("hercio", "hercios"),
    },
    abbreviations={
        "Sr.": Abbreviation("señor", "name"),
        "Sra.": Abbreviation("señora", "name"),
        "Srta.": Abbreviation("señorita", "name"),
        "Sres.": Abbreviation("señores", "name"),
        "Dr.": Abbreviation("doctor", "name"),
        "Dra.": Abbreviation("doctora", "name"),
        "Prof.": Abbreviation("profesor", "name"),
        "Dña.": Abbreviation("doña", "name"),
        "Sto.": Abbreviation("santo", "name"),
        "Sta.": Abbreviation("santa", "name"),
        "Avda.": Abbreviation("avenida", "name"),
        "Ud.": Abbreviation("usted"),
        "Uds.": Abbreviation("ustedes"),
        "Vd.": Abbreviation("usted"),
        "Vds.": Abbreviation("ustedes"),
        "etc.": Abbreviation("etcétera"),
        "p. ej.": Abbreviation("por ejemplo"),
        "p.ej.": Abbreviation("por ejemplo"),
        "aprox.": Abbreviation("aproximadamente"),
        "tel.": Abbreviation("teléfono"),
        "Tel.": Abbreviation("teléfono"),
        "EE. UU.": Abbreviation("Estados Unidos"),
        "EE.UU.": Abbreviation("Estados Unidos"),
        "a. C.": Abbreviation("antes de Cristo"),
        "d. C.": Abbreviation("después de Cristo"),
        "núm.": Abbreviation("número", "number"),
        "nº": Abbreviation("número", "number"),
        "n.º": Abbreviation("número", "number"),
        "Nº": Abbreviation("número", "number"),
        "N.º": Abbreviation("número", "number"),
        "pág.": Abbreviation("página", "number"),
        "págs.": Abbreviation("páginas", "number"),
    },
    ordinal_suffixes={
        "º": "m",
        ".º": "m",
        "°": "m",
        "ª": "f",
        ".ª": "f",
        "er": "short",
        ".er": "short",
    },
)
