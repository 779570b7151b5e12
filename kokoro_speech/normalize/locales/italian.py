"""Italian: "1.234,56", "12,50 €" -> "dodici euro e cinquanta centesimi"."""

from __future__ import annotations

import re

from num2words import num2words

from kokoro_speech.normalize.currencies import Agreement, Noun, currencies_for
from kokoro_speech.normalize.locales.tables import Abbreviation, ClockTime, LocaleTable, NumberWords

DIGITS = ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove")
SCALE_NOUNS = frozenset({"milione", "milioni", "miliardo", "miliardi"})

# Italian writes a number as one word ("milleduecentotrentaquattro"); read as one word it gets
# one stress, so it is split where the hundreds and thousands end, as espeak-ng splits digits.
_AFTER_SCALE = re.compile(r"(cento|mille|mila)(?=[a-z])")
# "cento" drops its vowel before "otto" and "ottanta" ("centotto").
_ELIDED_HUNDRED = re.compile(r"cent(?=ott)")
_BEFORE_THOUSANDS = re.compile(r"(?<=[a-zé])(mila)\b")
# "ventitré" loses its accent inside a compound ("ventitremila") and needs it back alone.
_UNSTRESSED_THREE = re.compile(r"(?<=\w)tre\b")


def _split(words: str) -> str:
    words = _AFTER_SCALE.sub(r"\1 ", _ELIDED_HUNDRED.sub("cento ", words))
    words = _BEFORE_THOUSANDS.sub(r" \1", words)
    return _UNSTRESSED_THREE.sub("tré", words)


def cardinal(number: int, agreement: Agreement = "counting") -> str:
    words = _split(num2words(number, lang="it"))
    if words == "uno" and agreement != "counting":
        return "una" if agreement == "feminine" else "un"
    return words


def ordinal(number: int, form: str = "m") -> str:
    words: str = num2words(number, lang="it", to="ordinal")
    return words[:-1] + "a" if form == "f" and words.endswith("o") else words


def year(number: int) -> str:
    return cardinal(number)


def say_time(time: ClockTime) -> str:
    """ "14:30" -> "quattordici e trenta", "1:00" -> "una"; hours agree with "ora"."""
    words = cardinal(time.hour, "feminine")
    if time.minute:
        words += f" e {cardinal(time.minute)}"
    if time.second:
        words += f" e {cardinal(time.second)} {'secondo' if time.second == 1 else 'secondi'}"
    return words


ITALIAN = LocaleTable(
    code="it",
    words=NumberWords(cardinal, ordinal, year, DIGITS),
    decimal_separator=",",
    group_separators=".\u202f\u00a0",
    point="virgola",
    other_decimal_separator=".",
    other_point="punto",
    minus="meno",
    plus="più",
    percent="per cento",
    money_joiner="e",
    scale_nouns=SCALE_NOUNS,
    scale_of="di",
    currencies=currencies_for("it"),
    months=(
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    month_abbreviations={
        "gen.": 1,
        "feb.": 2,
        "mar.": 3,
        "apr.": 4,
        "mag.": 5,
        "giu.": 6,
        "lug.": 7,
        "ago.": 8,
        "set.": 9,
        "ott.": 10,
        "nov.": 11,
        "dic.": 12,
    },
    first_of_month="primo",
    say_time=say_time,
    country_code_as_number=True,
    dotted_time_cues=frozenset({"ore", "alle", "dalle", "le", "entro", "verso", "fino", "dopo", "prima"}),
    time_suffixes=("h",),
    units={
        "km": Noun("chilometro", "chilometri"),
        "m": Noun("metro", "metri"),
        "cm": Noun("centimetro", "centimetri"),
        "mm": Noun("millimetro", "millimetri"),
        "km²": Noun("chilometro quadrato", "chilometri quadrati"),
        "m²": Noun("metro quadrato", "metri quadrati"),
        "m³": Noun("metro cubo", "metri cubi"),
        "kg": Noun("chilogrammo", "chilogrammi"),
        "g": Noun("grammo", "grammi"),
        "mg": Noun("milligrammo", "milligrammi"),
        "t": Noun("tonnellata", "tonnellate", feminine=True),
        "l": Noun("litro", "litri"),
        "L": Noun("litro", "litri"),
        "ml": Noun("millilitro", "millilitri"),
        "mL": Noun("millilitro", "millilitri"),
        "cl": Noun("centilitro", "centilitri"),
        "°C": Noun("grado Celsius", "gradi Celsius"),
        "°F": Noun("grado Fahrenheit", "gradi Fahrenheit"),
        "km/h": Noun("chilometro orario", "chilometri orari"),
        "m/s": Noun("metro al secondo", "metri al secondo"),
        "KB": Noun("kilobyte", "kilobyte"),
        "MB": Noun("megabyte", "megabyte"),
        "GB": Noun("gigabyte", "gigabyte"),
        "TB": Noun("terabyte", "terabyte"),
        "min": Noun("minuto", "minuti"),
        "s": Noun("secondo", "secondi"),
        "ms": Noun("millisecondo", "millisecondi"),
        "W": Noun("watt", "watt"),
        "kW": Noun("chilowatt", "chilowatt"),
        "kWh": Noun("chilowattora", "chilowattora"),
        "Hz": Noun("hertz", "hertz"),
    },
    abbreviations={
        "Sig.": Abbreviation("signor", "name"),
        "Sig.ra": Abbreviation("signora", "name"),
        "Sig.na": Abbreviation("signorina", "name"),
        "Sigg.": Abbreviation("signori", "name"),
        "Dott.": Abbreviation("dottor", "name"),
        "Dott.ssa": Abbreviation("dottoressa", "name"),
        "Dr.": Abbreviation("dottor", "name"),
        "Prof.": Abbreviation("professor", "name"),
        "Prof.ssa": Abbreviation("professoressa", "name"),
        "Avv.": Abbreviation("avvocato", "name"),
        "Ing.": Abbreviation("ingegner", "name"),
        "Arch.": Abbreviation("architetto", "name"),
        "ecc.": Abbreviation("eccetera"),
        "etc.": Abbreviation("eccetera"),
        "ad es.": Abbreviation("ad esempio"),
        "per es.": Abbreviation("per esempio"),
        "p.es.": Abbreviation("per esempio"),
        "tel.": Abbreviation("telefono"),
        "Tel.": Abbreviation("telefono"),
        "S.p.A.": Abbreviation("esse pi a"),
        "a.C.": Abbreviation("avanti Cristo"),
        "d.C.": Abbreviation("dopo Cristo"),
        "n.": Abbreviation("numero", "number"),
        "nº": Abbreviation("numero", "number"),
        "n°": Abbreviation("numero", "number"),
        "pag.": Abbreviation("pagina", "number"),
        "pagg.": Abbreviation("pagine", "number"),
    },
    ordinal_suffixes={"º": "m", "°": "m", "ª": "f"},
)
