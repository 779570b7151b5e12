"""Brazilian Portuguese: "R$ 10,50" -> "dez reais e cinquenta centavos", "14h30" -> "catorze e trinta"."""

from __future__ import annotations

import re

from num2words import num2words

from kokoro_speech.normalize.currencies import Agreement, Noun, currencies_for
from kokoro_speech.normalize.locales.tables import Abbreviation, ClockTime, LocaleTable, NumberWords

DIGITS = ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove")
# Brazilians say "meia" (half a dozen) for a six in a phone number, where "seis" sounds like "três".
PHONE_DIGITS = ("zero", "um", "dois", "três", "quatro", "cinco", "meia", "sete", "oito", "nove")
SCALE_NOUNS = frozenset({"milhão", "milhões", "bilhão", "bilhões"})

# num2words puts a comma after "mil" ("mil, duzentos e trinta e quatro"): the model would pause.
_COMMA = re.compile(r",")
_UP_TO_MILLIONS = re.compile(r".*\b(?:milhão|milhões|bilhão|bilhões) ")
_FEMININE_WORDS = {"um": "uma", "dois": "duas"}
_HUNDREDS = re.compile(r"entos\b")


def _feminine(words: str) -> str:
    """One, two and the hundreds agree with a feminine noun ("duzentas e duas libras"); millions
    are masculine nouns and keep their own words."""
    millions = _UP_TO_MILLIONS.match(words)
    head = millions[0] if millions else ""
    tail = _HUNDREDS.sub("entas", words[len(head) :])
    return head + " ".join(_FEMININE_WORDS.get(word, word) for word in tail.split())


def cardinal(number: int, agreement: Agreement = "counting") -> str:
    words = " ".join(_COMMA.sub(" ", num2words(number, lang="pt_BR")).split())
    return _feminine(words) if agreement == "feminine" else words


def ordinal(number: int, form: str = "m") -> str:
    words = " ".join(_COMMA.sub(" ", num2words(number, lang="pt_BR", to="ordinal")).split())
    if form == "f":
        return " ".join(word[:-1] + "a" if word.endswith("o") else word for word in words.split())
    return words


def year(number: int) -> str:
    return cardinal(number)


def say_time(time: ClockTime) -> str:
    """ "14h30" -> "catorze e trinta", "14h" -> "catorze horas", "1:00" -> "uma hora"; hours are feminine."""
    hour = cardinal(time.hour, "feminine")
    hours = "hora" if time.hour == 1 else "horas"
    words = f"{hour} e {cardinal(time.minute)}" if time.minute else f"{hour} {hours}"
    if time.second:
        words += f" e {cardinal(time.second)} {'segundo' if time.second == 1 else 'segundos'}"
    return words


PORTUGUESE = LocaleTable(
    code="pt-br",
    words=NumberWords(cardinal, ordinal, year, DIGITS),
    decimal_separator=",",
    group_separators=".\u202f\u00a0",
    point="vírgula",
    other_decimal_separator=".",
    other_point="ponto",
    minus="menos",
    plus="mais",
    percent="por cento",
    money_joiner="e",
    scale_nouns=SCALE_NOUNS,
    scale_of="de",
    currencies=currencies_for("pt-br"),
    months=(
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    month_abbreviations={
        "jan.": 1,
        "fev.": 2,
        "mar.": 3,
        "abr.": 4,
        "jun.": 6,
        "jul.": 7,
        "ago.": 8,
        "set.": 9,
        "out.": 10,
        "nov.": 11,
        "dez.": 12,
    },
    date_joiner="de",
    first_of_month="primeiro",
    say_time=say_time,
    hour_letter=True,
    time_suffixes=("horas", "hs"),
    country_code_as_number=True,
    phone_digits=PHONE_DIGITS,
    units={
        "km": Noun("quilômetro", "quilômetros"),
        "m": Noun("metro", "metros"),
        "cm": Noun("centímetro", "centímetros"),
        "mm": Noun("milímetro", "milímetros"),
        "km²": Noun("quilômetro quadrado", "quilômetros quadrados"),
        "m²": Noun("metro quadrado", "metros quadrados"),
        "m³": Noun("metro cúbico", "metros cúbicos"),
        "kg": Noun("quilo", "quilos"),
        "g": Noun("grama", "gramas"),
        "mg": Noun("miligrama", "miligramas"),
        "t": Noun("tonelada", "toneladas", feminine=True),
        "l": Noun("litro", "litros"),
        "L": Noun("litro", "litros"),
        "ml": Noun("mililitro", "mililitros"),
        "mL": Noun("mililitro", "mililitros"),
        "°C": Noun("grau Celsius", "graus Celsius"),
        "ºC": Noun("grau Celsius", "graus Celsius"),
        "°F": Noun("grau Fahrenheit", "graus Fahrenheit"),
        "°": Noun("grau", "graus"),
        "km/h": Noun("quilômetro por hora", "quilômetros por hora"),
        "m/s": Noun("metro por segundo", "metros por segundo"),
        "KB": Noun("kilobyte", "kilobytes"),
        "MB": Noun("megabyte", "megabytes"),
        "GB": Noun("gigabyte", "gigabytes"),
        "TB": Noun("terabyte", "terabytes"),
        "min": Noun("minuto", "minutos"),
        "s": Noun("segundo", "segundos"),
        "ms": Noun("milissegundo", "milissegundos"),
        "W": Noun("watt", "watts"),
        "kW": Noun("quilowatt", "quilowatts"),
        "kWh": Noun("quilowatt hora", "quilowatts hora"),
        "Hz": Noun("hertz", "hertz"),
    },
    abbreviations={
        "Sr.": Abbreviation("senhor", "name"),
        "Sra.": Abbreviation("senhora", "name"),
        "Srta.": Abbreviation("senhorita", "name"),
        "Dr.": Abbreviation("doutor", "name"),
        "Dra.": Abbreviation("doutora", "name"),
        "Prof.": Abbreviation("professor", "name"),
        "Profa.": Abbreviation("professora", "name"),
        "Profª": Abbreviation("professora", "name"),
        "Sto.": Abbreviation("santo", "name"),
        "Sta.": Abbreviation("santa", "name"),
        "Av.": Abbreviation("avenida", "name"),
        "V.Sa.": Abbreviation("Vossa Senhoria"),
        "V. Sa.": Abbreviation("Vossa Senhoria"),
        "V.Exa.": Abbreviation("Vossa Excelência"),
        "V. Exa.": Abbreviation("Vossa Excelência"),
        "etc.": Abbreviation("et cetera"),
        "p. ex.": Abbreviation("por exemplo"),
        "p.ex.": Abbreviation("por exemplo"),
        "tel.": Abbreviation("telefone"),
        "Tel.": Abbreviation("telefone"),
        "Ltda.": Abbreviation("limitada"),
        "Cia.": Abbreviation("companhia"),
        "a.C.": Abbreviation("antes de Cristo"),
        "d.C.": Abbreviation("depois de Cristo"),
        "nº": Abbreviation("número", "number"),
        "n.º": Abbreviation("número", "number"),
        "n°": Abbreviation("número", "number"),
        "Nº": Abbreviation("número", "number"),
        "pág.": Abbreviation("página", "number"),
    },
    ordinal_suffixes={"º": "m", ".º": "m", "°": "m", "ª": "f", ".ª": "f"},
)
