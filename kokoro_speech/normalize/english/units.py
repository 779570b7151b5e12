"""Units after a number ("5 kg" -> "five kilograms"): espeak-ng would spell the abbreviations,
and "in" stays a preposition unless it can only be inches."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import AFTER, BEFORE, DASH, NUM, SIGN, say_count, sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

UNITS: dict[str, tuple[str, str]] = {
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "µm": ("micrometer", "micrometers"),
    "nm": ("nanometer", "nanometers"),
    "km²": ("square kilometer", "square kilometers"),
    "m²": ("square meter", "square meters"),
    "cm²": ("square centimeter", "square centimeters"),
    "ft²": ("square foot", "square feet"),
    "sq ft": ("square foot", "square feet"),
    "m³": ("cubic meter", "cubic meters"),
    "cm³": ("cubic centimeter", "cubic centimeters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "in": ("inch", "inches"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"),
    "µg": ("microgram", "micrograms"),
    "mcg": ("microgram", "micrograms"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "L": ("liter", "liters"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "gal": ("gallon", "gallons"),
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℃": ("degree Celsius", "degrees Celsius"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "° C": ("degree Celsius", "degrees Celsius"),
    "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"),
    "KiB": ("kibibyte", "kibibytes"),
    "MiB": ("mebibyte", "mebibytes"),
    "GiB": ("gibibyte", "gibibytes"),
    "TiB": ("tebibyte", "tebibytes"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "W": ("watt", "watts"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "Wh": ("watt hour", "watt hours"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "V": ("volt", "volts"),
    "mA": ("milliamp", "milliamps"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "ms": ("millisecond", "milliseconds"),
    "µs": ("microsecond", "microseconds"),
    "ns": ("nanosecond", "nanoseconds"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "px": ("pixel", "pixels"),
    "fps": ("frame per second", "frames per second"),
    "dB": ("decibel", "decibels"),
    "rpm": ("revolution per minute", "revolutions per minute"),
    "kcal": ("kilocalorie", "kilocalories"),
}
# "/day" after an amount: "$5/month", "2 pills/day".
PER_WORDS = {
    "day": "day",
    "week": "week",
    "wk": "week",
    "month": "month",
    "mo": "month",
    "year": "year",
    "yr": "year",
    "hour": "hour",
    "night": "night",
    "person": "person",
}
_UNIT_NAMES = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_UNIT = re.compile(
    rf"(?P<sign>{SIGN})?{BEFORE}(?P<a>{NUM}){AFTER}(?:{DASH}(?P<b>{NUM}){AFTER})?"
    rf"(?P<space>\s?)(?P<unit>{_UNIT_NAMES})(?![\w'’])(?P<stop>\.(?=\s+[a-z]))?"
)
_PER = re.compile(
    rf"(?<=[\w$€£¥%°])/(?P<unit>{_UNIT_NAMES}|{'|'.join(sorted(PER_WORDS, key=len, reverse=True))})(?![\w/])"
)
# 5'10" (five feet ten inches): primes, or the apostrophe and quote typed for them.
_FEET_AND_INCHES = re.compile(r"(?<![\w.])(?P<feet>\d{1,2})['’′]\s?(?P<inches>\d{1,2})(?:[\"”″]|'')")
# "in" is a unit only where it cannot be the preposition: "12 in.", "a 27 in monitor", "2 in x 4 in".
_INCH_WORDS = "x|×|by|long|wide|tall|high|deep|thick|across|diameter|screen|display|monitor"
_INCH_FOLLOWERS = re.compile(rf"\.(?=\s+[a-z])|\.?(?:$|[ \t]*[,;:)!?\n]|\s+(?:{_INCH_WORDS})\b)")


def _unit_fits(match: re.Match[str], text: str) -> bool:
    unit, number = match["unit"], match["b"] or match["a"]
    if unit == "in":
        return bool(_INCH_FOLLOWERS.match(text, match.end("unit")))
    if unit == "s" and not match["space"]:
        # "30s" is a decade ("the thirties"); "0.5s" and "5s" are seconds.
        return "." in number or not number.endswith("0")
    return True


def _say_unit(match: re.Match[str], text: str) -> str | None:
    if not _unit_fits(match, text):
        return None
    singular, plural = UNITS[match["unit"]]
    words = ("minus " if match["sign"] else "") + nw.decimal(match["a"])
    if match["b"]:
        return f"{words} to {nw.decimal(match['b'])} {plural}"
    return f"{words} {singular if nw.is_one(match['a']) else plural}"


def _say_per(match: re.Match[str]) -> str:
    unit = match["unit"]
    return "per " + (UNITS[unit][0] if unit in UNITS else PER_WORDS[unit])


def _say_feet_and_inches(match: re.Match[str]) -> str:
    return f"{say_count(match['feet'], 'foot', 'feet')} {say_count(match['inches'], 'inch', 'inches')}"


def find_units(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_FEET_AND_INCHES, text, _say_feet_and_inches)
    yield from sub_hits(_UNIT, text, lambda m: _say_unit(m, text))
    yield from sub_hits(_PER, text, _say_per)
