"""English rules: rewrite what espeak-ng misreads the way a careful American reader says it.

Rules run in a fixed priority order (``RULES``). Each one finds its matches in the whole input
and claims the spans that no earlier rule took; a rule that is switched off still claims its
matches, so its text stays exactly as written and no later rule reads half of it ("$19.99" with
money off stays "$19.99" rather than becoming "$nineteen point nine nine").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import ClaimedSpans, Replacement

Finder = Callable[[str, NormalizationOptions], Iterator[Replacement]]


@dataclass(frozen=True)
class Rule:
    name: str
    enabled: Callable[[NormalizationOptions], bool]
    find: Finder


def english_replacements(
    text: str, options: NormalizationOptions, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements for ``text``; spans in ``taken`` are left alone."""
    claims = ClaimedSpans(taken)
    found: list[Replacement] = []
    for rule in RULES:
        enabled = rule.enabled(options)
        for hit in rule.find(text, options):
            if claims.claim(hit.start, hit.end) and enabled and hit.spoken != text[hit.start : hit.end]:
                found.append(hit)
    return sorted(found, key=lambda r: r.start)


def word_set(words: str) -> frozenset[str]:
    """A table written as words separated by white space."""
    return frozenset(words.split())


# --- shared pieces ------------------------------------------------------------------------

# An integer with correct thousands separators, or a plain run of digits.
_INT = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
_NUM = rf"(?:{_INT}(?:\.\d+)?|\.\d+)"
# A minus sign only where it cannot be a hyphen or a range dash ("x-5", "10-20").
_SIGN = r"(?:(?<![\w.])[-−](?=\.?\d))"
# A number stands alone: no digit or decimal point joined to it.
_BEFORE = r"(?<![\d.])"
_AFTER = r"(?!\d|\.\d)"
_DASH = r"(?:-|\s?[–—]\s?)"
_YEAR_DIGITS, _SHORT_YEAR_DIGITS = 4, 2

# espeak-ng reads a lone capital A before a word as the article "uh"; "eh" it says as the letter.
_LETTER_SOUNDS = {"A": "eh"}


def spell(letters: str) -> str:
    """Letters said one by one: "FBI" -> "F B I"."""
    return " ".join(_LETTER_SOUNDS.get(ch, ch) for ch in letters.upper())


def _count(written: str, singular: str, plural: str) -> str:
    """A count and its noun: ("5", "cent", "cents") -> "five cents"."""
    return f"{nw.integer(written)} {singular if nw.is_one(written) else plural}"


def _sub_hits(pattern: re.Pattern[str], text: str, say: Callable[[re.Match[str]], str | None]) -> Iterator[Replacement]:
    """One replacement per match that ``say`` can read; None skips the match."""
    for match in pattern.finditer(text):
        spoken = say(match)
        if spoken is not None:
            yield Replacement(match.start(), match.end(), spoken)


# How far around a match the context checks look: a few words, never the whole text.
_CONTEXT_CHARS = 80


def _before(text: str, start: int) -> str:
    return text[max(0, start - _CONTEXT_CHARS) : start]


def _after(text: str, end: int) -> str:
    return text[end : end + _CONTEXT_CHARS]


def _ends_sentence(text: str, end: int, *, strict: bool = False) -> bool:
    """Whether a full stop that ends an abbreviation at ``end`` also ends its sentence.

    ``strict``: only at the end of the text or of a line (after titles such as "Dr.", a
    capital that follows is a name, not a new sentence)."""
    rest = _after(text, end)
    following = rest.lstrip(" \t")
    if not following or following[0] in "\r\n":
        return True
    return not strict and rest[:1].isspace() and following[0].isupper()


def _stop(text: str, match_end: int, *, strict: bool = False) -> str:
    """A full stop where the one closing the span also ends the sentence, else nothing."""
    return "." if text[match_end - 1] == "." and _ends_sentence(text, match_end, strict=strict) else ""


_LAST_WORD = re.compile(r"(\S+)[ \t]+$")


def _previous_word(text: str, start: int) -> str:
    match = _LAST_WORD.search(_before(text, start))
    return match.group(1) if match else ""


def _sentence_initial(text: str, start: int) -> bool:
    before = _before(text, start).rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


# --- URLs and email addresses ---------------------------------------------------------------

_TLDS = (
    "com|org|net|edu|gov|mil|int|io|ai|co|dev|app|info|biz|tv|uk|de|fr|es|nl|jp|cn|au|ca|ru|br|ch|se|eu"
    "|ly|gg|xyz|tech|online|site|cloud|blog|news|shop|store|live"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PATH_CHARS = r"[^\s<>\"'\[\](){}]"
_EMAIL = re.compile(rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![\w-])")
_URL = re.compile(
    rf"(?<![\w.])(?:(?:https?|ftp)://|www\.){_PATH_CHARS}+"
    rf"|(?<![\w.@/-])(?:{_LABEL}\.)+(?:{_TLDS})(?![\w-])(?:/{_PATH_CHARS}*)?"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_URL_TRAILING = ".,;:!?'\""
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_ADDRESS_PIECE = re.compile(r"[A-Za-z]+|\d+|.")
_ADDRESS_SYMBOLS = {
    ".": "dot",
    "/": "slash",
    "-": "dash",
    "_": "underscore",
    ":": "colon",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "~": "tilde",
    "+": "plus",
    "@": "at",
}
_SPELLED_LABELS = frozenset({"www", "ftp"})
_MAX_OCTET = 255


def _say_address(address: str) -> str:
    """ "https://example.com/docs" -> "example dot com slash docs" (nobody says the "https")."""
    address = _SCHEME.sub("", address).rstrip("/")
    words: list[str] = []
    for piece in _ADDRESS_PIECE.findall(address):
        if piece.isdecimal():
            words.append(nw.integer(piece))
        elif piece.isalpha():
            words.append(spell(piece) if piece.lower() in _SPELLED_LABELS else piece)
        elif piece in _ADDRESS_SYMBOLS:
            words.append(_ADDRESS_SYMBOLS[piece])
    return " ".join(words)


def _find_addresses(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_EMAIL, text, lambda m: _say_address(m.group()))
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        yield Replacement(match.start(), match.start() + len(url), _say_address(url))
    for match in _IPV4.finditer(text):
        octets = match.group().split(".")
        if all(int(o) <= _MAX_OCTET for o in octets):
            yield Replacement(match.start(), match.end(), " dot ".join(nw.integer(o) for o in octets))


# --- phone numbers ----------------------------------------------------------------------------

_PHONE_PATTERNS = (
    # International: +44 20 7946 0958, +1 555 123 4567.
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]\(?\d{1,4}\)?){2,5}(?![\w-]|\.\d)"),
    # North American: 1-800-555-0199, (555) 123-4567, 555.123.4567.
    re.compile(r"(?<![\w+-])(?:1[ .-])?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-]|\.\d)"),
    # Local: 555-0199.
    re.compile(r"(?<![\w+.,-])[2-9]\d{2}-\d{4}(?![\w-]|[.,]\d)"),
)
_MIN_INTERNATIONAL_DIGITS = 8
# Toll-free area codes are said as a number ("one eight hundred"); other groups digit by digit.
_SAID_AS_NUMBER = {"800": "eight hundred", "900": "nine hundred"}
_ROUND = 100


def _say_phone(written: str) -> str | None:
    groups = re.findall(r"\d+", written)
    international = written.startswith("+")
    if international and sum(len(g) for g in groups) < _MIN_INTERNATIONAL_DIGITS:
        return None
    if len(groups) == 2 and all(int(g) % _ROUND == 0 for g in groups):
        return None  # "200-3000" is a range of round numbers, not a phone number
    words = [
        _SAID_AS_NUMBER.get(g, nw.digits(g)) if index < len(groups) - 2 else nw.digits(g)
        for index, g in enumerate(groups)
    ]
    if international:
        words[0] = f"plus {words[0]}"
    # The commas make the pauses people leave between the groups.
    return ", ".join(words)


def _find_phone_numbers(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern in _PHONE_PATTERNS:
        yield from _sub_hits(pattern, text, lambda m: _say_phone(m.group()))


# --- dates ----------------------------------------------------------------------------------

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH = (
    r"(?P<month>(?:"
    + "|".join(MONTHS)
    + r")\b|(?:"
    + "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
    + r")\b\.?)"
)
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)"
_YEAR4 = r"(?P<year>\d{4})(?!\d)"
_DATE_ISO = re.compile(
    r"(?<![\w./-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{2})(?P=sep)(?P<day>\d{2})(?![\w/-]|\.\d)"
)
_DATE_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL_SUFFIX}?(?:[-–](?P<day2>\d{{1,2}}){_ORDINAL_SUFFIX}?)?(?![\w:])"
    rf"(?:,?\s+{_YEAR4})?"
)
_DATE_DAY_FIRST = re.compile(
    rf"(?<![\w.,])(?:(?P<the>[Tt]he)\s+)?(?P<day>\d{{1,2}}){_ORDINAL_SUFFIX}?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR4})?"
)
_DATE_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR4}")
_DATE_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_MONTHS_IN_YEAR = 12


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else MONTH_ABBREVIATIONS[name]


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= _MONTHS_IN_YEAR and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def _say_year(written: str) -> str:
    return nw.year(int(written)) if len(written) == _YEAR_DIGITS else nw.short_year(written)


def say_date(month: int, day: int | None, year: str | None, *, day_first: bool = False, the: str = "the") -> str:
    """March fifth, twenty twenty seven / the fifth of March, twenty twenty seven."""
    name = MONTHS[month - 1]
    if day is None:
        words = name
    elif day_first:
        words = f"{the} {nw.ordinal(day)} of {name}"
    else:
        words = f"{name} {nw.ordinal(day)}"
    if year is not None:
        words += (", " if day is not None else " ") + _say_year(year)
    return words


def _say_month_first(match: re.Match[str]) -> str | None:
    month, day = _month_number(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return None
    if match["day2"]:
        last = int(match["day2"])
        if not _valid_date(month, last) or last <= day:
            return None
        year = f", {_say_year(match['year'])}" if match["year"] else ""
        return f"{MONTHS[month - 1]} {nw.ordinal(day)} to {nw.ordinal(last)}{year}"
    return say_date(month, day, match["year"])


def _say_day_first(match: re.Match[str]) -> str | None:
    month, day = _month_number(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return None
    return say_date(month, day, match["year"], day_first=True, the=match["the"] or "the")


def _say_numeric_date(match: re.Match[str], order: str) -> str | None:
    first, second, year = int(match["first"]), int(match["second"]), match["year"]
    if len(year) != _YEAR_DIGITS and match["sep"] != "/":
        return None  # "1.2.27" is more likely a version than a date
    month, day = (first, second) if order == "mdy" else (second, first)
    if not _valid_date(month, day) and _valid_date(day, month):
        month, day = day, month  # 25/12/2027 can only be read one way
    if not _valid_date(month, day):
        return None
    return say_date(month, day, year, day_first=order == "dmy")


def _say_iso_date(match: re.Match[str]) -> str | None:
    month, day = int(match["month"]), int(match["day"])
    return say_date(month, day, match["year"]) if _valid_date(month, day) else None


def _find_dates(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_DATE_ISO, text, _say_iso_date)
    yield from _sub_hits(_DATE_MONTH_FIRST, text, _say_month_first)
    yield from _sub_hits(_DATE_DAY_FIRST, text, _say_day_first)
    yield from _sub_hits(_DATE_MONTH_YEAR, text, lambda m: say_date(_month_number(m["month"]), None, m["year"]))
    yield from _sub_hits(_DATE_NUMERIC, text, lambda m: _say_numeric_date(m, options.date_order))


# --- times ------------------------------------------------------------------------------------

_MERIDIEM = r"(?P<meridiem>(?P<half>[AaPp])(?:\.\s?[Mm]\.?|[Mm](?![A-Za-z]))(?![A-Za-z]))"
_CLOCK = re.compile(
    rf"(?<![\w:.])(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?(?:\s?{_MERIDIEM})?(?![\w:])"
)
_HOUR = re.compile(rf"(?<![\w:.])(?P<hour>\d{{1,2}})\s?{_MERIDIEM}")
_HOURS_IN_DAY, _HALF_DAY, _MINUTES = 24, 12, 60
_OH_BELOW = 10


def _say_meridiem(half: str) -> str:
    return spell(half.upper() + "M")


def say_clock(hour: int, minute: int, second: int | None = None, meridiem: str | None = None) -> str:
    """3:30 pm -> "three thirty P M", 9:05 -> "nine oh five", 12:00 -> "twelve o'clock",
    14:00 -> "fourteen hundred"."""
    words = [nw.cardinal(hour)]
    if minute == 0 and meridiem is None:
        words.append("o'clock" if 1 <= hour <= _HALF_DAY else "hundred")
    elif 0 < minute < _OH_BELOW:
        words += ["oh", nw.cardinal(minute)]
    elif minute:
        words.append(nw.cardinal(minute))
    if second:
        words.append(f"and {nw.cardinal(second)} {'second' if second == 1 else 'seconds'}")
    if meridiem is not None:
        words.append(_say_meridiem(meridiem))
    return " ".join(words)


def _say_clock(match: re.Match[str], text: str) -> str | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"]) if match["second"] else None
    half = match["half"]
    last_hour = _HALF_DAY if half else _HOURS_IN_DAY - 1
    if hour > last_hour or minute >= _MINUTES or (second is not None and second >= _MINUTES):
        return None
    if half and hour == 0:
        return None
    return say_clock(hour, minute, second, half) + _stop(text, match.end())


def _say_hour(match: re.Match[str], text: str) -> str | None:
    hour = int(match["hour"])
    if not 1 <= hour <= _HALF_DAY:
        return None
    return say_clock(hour, 0, None, match["half"]) + _stop(text, match.end())


def _find_times(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_CLOCK, text, lambda m: _say_clock(m, text))
    yield from _sub_hits(_HOUR, text, lambda m: _say_hour(m, text))


# --- money ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Currency:
    unit: str
    units: str
    cent: str | None = None
    cents: str | None = None


CURRENCIES = {
    "$": Currency("dollar", "dollars", "cent", "cents"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "£": Currency("pound", "pounds", "penny", "pence"),
    "¥": Currency("yen", "yen"),
}
SCALES = {
    "k": "thousand",
    "K": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "T": "trillion",
    "tn": "trillion",
}
_SCALE_WORDS = ("thousand", "million", "billion", "trillion")
_CENT_DIGITS = 2
_SYMBOL = "[" + re.escape("".join(CURRENCIES)) + "]"


def _amount(name: str) -> str:
    scale_letters = "|".join(sorted(SCALES, key=len, reverse=True))
    return (
        rf"(?P<{name}>{_NUM}){_AFTER}"
        rf"(?:\s?(?P<{name}_word>{'|'.join(_SCALE_WORDS)})\b|(?P<{name}_letter>{scale_letters})(?![A-Za-z0-9]))?"
    )


# "-$5": the minus comes before the currency sign.
_MONEY_SIGN = r"(?:(?<![\w.])[-−](?=[$€£¥]))"
_MONEY = re.compile(
    rf"(?P<sign>{_MONEY_SIGN})?(?P<symbol>{_SYMBOL})\s?{_amount('a')}(?:{_DASH}(?P<symbol2>{_SYMBOL})?{_amount('b')})?"
)
# Europeans often write the symbol after the amount: 5 €, 10€.
_MONEY_AFTER = re.compile(rf"(?P<sign>{_SIGN})?{_BEFORE}{_amount('a')}\s?(?P<symbol>{_SYMBOL})(?![\w$€£¥])")
_CENTS_SIGN = re.compile(rf"{_BEFORE}(?P<amount>{_INT})\s?¢")


def _scale(match: re.Match[str], name: str) -> str | None:
    word, letter = match[f"{name}_word"], match[f"{name}_letter"]
    return word or (SCALES[letter] if letter else None)


def _has_cents(amount: str) -> bool:
    return "." in amount


def say_money(currency: Currency, amount: str, scale: str | None = None) -> str:
    """ "19.99" -> "nineteen dollars and ninety nine cents"; "2.5", "million" -> "two point five
    million dollars"."""
    if scale:
        return f"{nw.decimal(amount)} {scale} {currency.units}"
    whole, _, cents = amount.partition(".")
    whole_value = int(whole.replace(",", "") or "0")
    if cents and (len(cents) != _CENT_DIGITS or currency.cent is None or currency.cents is None):
        return f"{nw.decimal(amount)} {currency.units}"
    major = f"{nw.integer(whole or '0')} {currency.unit if whole_value == 1 else currency.units}"
    cent_value = int(cents or "0")
    if cent_value == 0 or currency.cent is None or currency.cents is None:
        return major
    minor = f"{nw.cardinal(cent_value)} {currency.cent if cent_value == 1 else currency.cents}"
    return minor if whole_value == 0 else f"{major} and {minor}"


def _say_money(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    currency = CURRENCIES[match["symbol"]]
    first, first_scale = match["a"], _scale(match, "a")
    groups = match.groupdict()
    if groups.get("b") is None:
        return sign + say_money(currency, first, first_scale)
    second_currency = CURRENCIES[groups.get("symbol2") or match["symbol"]]
    second, second_scale = match["b"], _scale(match, "b")
    if second_currency == currency and not _has_cents(first) and first_scale in (None, second_scale):
        # "$10-$20" -> "ten to twenty dollars", "$5-10 million" -> "five to ten million dollars".
        return f"{sign}{nw.decimal(first)} to {say_money(currency, second, second_scale)}"
    return f"{sign}{say_money(currency, first, first_scale)} to {say_money(second_currency, second, second_scale)}"


def _say_cents(match: re.Match[str]) -> str:
    return _count(match["amount"], "cent", "cents")


def _find_money(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_MONEY, text, _say_money)
    yield from _sub_hits(_MONEY_AFTER, text, _say_money)
    yield from _sub_hits(_CENTS_SIGN, text, _say_cents)


# --- percentages ------------------------------------------------------------------------------

_PERCENT = re.compile(rf"(?P<sign>{_SIGN})?{_BEFORE}(?P<a>{_NUM}){_AFTER}(?:{_DASH}(?P<b>{_NUM}){_AFTER})?\s?%")


def _say_percent(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    words = sign + nw.decimal(match["a"])
    if match["b"]:
        words += f" to {nw.decimal(match['b'])}"
    return f"{words} percent"


def _find_percentages(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_PERCENT, text, _say_percent)


# --- versions ---------------------------------------------------------------------------------

_VERSION_TAGGED = re.compile(r"(?<![\w.])(?:v(?P<v>\d+(?:\.\d+)*)|V(?P<V>\d+(?:\.\d+)+))(?![\w]|\.\d)")
_VERSION_DOTTED = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)")
_VERSION_PAIR = re.compile(r"(?<![\w.])\d+\.\d+(?![\w]|\.\d)")
# Names after which "3.12" is a version ("three point twelve"), not a decimal ("three point one two").
VERSIONED_NAMES = word_set(
    """python java node node.js ruby rust go php perl swift kotlin scala typescript javascript django rails react
    angular vue windows macos ios ipados android ubuntu debian fedora linux kernel firefox chrome safari version
    release build update patch firmware gpt llama claude gemini bluetooth usb http tls ssl html unity blender
    postgresql mysql"""
)
_MIXED_CASE_NAME = re.compile(r"^[A-Za-z]+[A-Z][a-z]*$|^[a-z]+[A-Z][A-Za-z]*$")


def say_version(dotted: str) -> str:
    """ "3.12" -> "three point twelve": each part is a number of its own."""
    return " point ".join(nw.integer(part) for part in dotted.split("."))


def _versioned_name(word: str) -> bool:
    # iOS, macOS, PostgreSQL: a capital after the first letter marks a product name.
    return word.lower() in VERSIONED_NAMES or (any(c.islower() for c in word) and bool(_MIXED_CASE_NAME.match(word)))


def _find_versions(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_VERSION_TAGGED, text, lambda m: "version " + say_version(m["v"] or m["V"]))
    yield from _sub_hits(_VERSION_DOTTED, text, lambda m: say_version(m.group()))
    for match in _VERSION_PAIR.finditer(text):
        if _versioned_name(_previous_word(text, match.start())):
            yield Replacement(match.start(), match.end(), say_version(match.group()))


# --- decades ----------------------------------------------------------------------------------

_DECADE = re.compile(
    r"(?<![\w.,'’])(?P<year>1[1-9]\d0|20\d0)['’]?s(?![\w'’])"
    r"|(?<![\w.,])['’]?(?P<short>[1-9]0)['’]?s(?![\w'’])"
)


def _say_decade(match: re.Match[str]) -> str:
    if match["year"]:
        return nw.plural(nw.year(int(match["year"])))
    return nw.plural(nw.cardinal(int(match["short"])))


def _find_decades(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_DECADE, text, _say_decade)


# --- units ------------------------------------------------------------------------------------

# Written unit -> (singular, plural). Matched case-sensitively, and only right after a number.
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
    rf"(?P<sign>{_SIGN})?{_BEFORE}(?P<a>{_NUM}){_AFTER}(?:{_DASH}(?P<b>{_NUM}){_AFTER})?"
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
    return f"{_count(match['feet'], 'foot', 'feet')} {_count(match['inches'], 'inch', 'inches')}"


def _find_units(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_FEET_AND_INCHES, text, _say_feet_and_inches)
    yield from _sub_hits(_UNIT, text, lambda m: _say_unit(m, text))
    yield from _sub_hits(_PER, text, _say_per)


# --- ranges, fractions, ordinals, years, ratios, plain numbers ------------------------------

_RANGE = re.compile(rf"(?<![\d][-–—]){_BEFORE}(?P<a>{_NUM}){_AFTER}{_DASH}(?P<b>{_NUM}){_AFTER}(?![-–—]\d)")
_FIRST_READ_YEAR, _LAST_READ_YEAR = 1100, 2099


def _is_year(written: str) -> bool:
    return len(written) == _YEAR_DIGITS and written.isdecimal() and _FIRST_READ_YEAR <= int(written) <= _LAST_READ_YEAR


def _say_range(match: re.Match[str]) -> str:
    first, second = match["a"], match["b"]
    if _is_year(first) and _is_year(second) and int(second) > int(first):
        return f"{nw.year(int(first))} to {nw.year(int(second))}"
    if (
        _is_year(first)
        and len(second) == _SHORT_YEAR_DIGITS
        and second.isdecimal()
        and int(second) > int(first) % _ROUND
    ):
        return f"{nw.year(int(first))} to {nw.short_year(second)}"  # 1990-95
    return f"{nw.decimal(first)} to {nw.decimal(second)}"


_MIXED_FRACTION = re.compile(r"(?<![\w/.,])(?P<whole>\d+)\s(?P<num>\d+)/(?P<den>\d+)(?![\w/]|\.\d)")
_FRACTION = re.compile(r"(?<![\w/.,])(?P<num>\d+)/(?P<den>\d+)(?![\w/]|\.\d)")
# Written like fractions, said otherwise.
FRACTION_IDIOMS = {
    "24/7": "twenty four seven",
    "50/50": "fifty fifty",
    "9/11": "nine eleven",
    "20/20": "twenty twenty",
}
# Denominators a reader says as a fraction; others are read "X over Y".
FRACTION_DENOMINATORS = frozenset({*range(2, 11), 12, 16, 32, 64, 100})


def _say_mixed_fraction(match: re.Match[str]) -> str | None:
    whole, numerator, denominator = int(match["whole"]), int(match["num"]), int(match["den"])
    if not 0 < numerator < denominator or denominator not in FRACTION_DENOMINATORS:
        return None
    return nw.mixed_fraction(whole, numerator, denominator)


def _say_fraction(match: re.Match[str]) -> str | None:
    if match.group() in FRACTION_IDIOMS:
        return FRACTION_IDIOMS[match.group()]
    numerator, denominator = int(match["num"]), int(match["den"])
    if denominator in FRACTION_DENOMINATORS and numerator > 0:
        return nw.fraction(numerator, denominator)
    return f"{nw.integer(match['num'])} over {nw.integer(match['den'])}"


_ORDINAL = re.compile(rf"(?<![\w.])(?P<num>{_INT})(?i:st|nd|rd|th)(?![\w])")
_YEAR = re.compile(r"(?<![\w.,$€£¥°-])(?P<year>1[1-9]\d\d|20\d\d)(?![\w%°]|[.,]\d)")
# A four-digit number is a year after these words, or where no noun follows it.
YEAR_CUES = word_set(
    """in since from by until till before after during year circa c. ca. around of between through early late mid
    spring summer autumn fall winter the ©"""
) | {m.lower() for m in MONTHS}
_ERA = re.compile(r"\s+(?:AD|BC|BCE|CE|A\.D\.|B\.C\.)(?!\w)")
_WORD_FOLLOWS = re.compile(r"[ \t]+[A-Za-z]")


def _say_year_number(match: re.Match[str], text: str) -> str:
    value = int(match["year"])
    cue = _previous_word(text, match.start()).lower().rstrip(",")
    if cue in YEAR_CUES or _ERA.match(text, match.end()) or not _WORD_FOLLOWS.match(text, match.end()):
        return nw.year(value)
    return nw.cardinal(value)  # "1500 apples"


# Numbers everyone says digit by digit.
DIGIT_BY_DIGIT = frozenset({"911"})
_RATIO = re.compile(r"(?<![\w:.])(?P<a>\d+):(?P<b>\d+)(?![\w:]|\.\d)")
_NUMBER = re.compile(rf"(?P<sign>{_SIGN})?{_BEFORE}(?P<num>{_NUM}){_AFTER}")


def _find_ranges(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_RANGE, text, _say_range)


def _find_fractions(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_MIXED_FRACTION, text, _say_mixed_fraction)
    yield from _sub_hits(_FRACTION, text, _say_fraction)


def _find_ordinals(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_ORDINAL, text, lambda m: nw.ordinal(int(m["num"].replace(",", ""))))


def _find_years(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_YEAR, text, lambda m: _say_year_number(m, text))


def _find_ratios(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_RATIO, text, lambda m: f"{nw.integer(m['a'])} to {nw.integer(m['b'])}")


def _say_number(match: re.Match[str]) -> str:
    if match.group() in DIGIT_BY_DIGIT:
        return nw.digits(match.group())
    return ("minus " if match["sign"] else "") + nw.decimal(match["num"])


def _find_numbers(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_NUMBER, text, _say_number)


# --- abbreviations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Abbreviation:
    spoken: str
    may_end_sentence: bool = True
    """Whether its full stop can also end the sentence ("etc."), unlike a title's ("Mr.")."""


ABBREVIATIONS: dict[str, Abbreviation] = {
    "Mr.": Abbreviation("Mister", False),
    "Mrs.": Abbreviation("Missus", False),
    "Ms.": Abbreviation("Miz", False),
    "Prof.": Abbreviation("Professor", False),
    "Gen.": Abbreviation("General", False),
    "Capt.": Abbreviation("Captain", False),
    "Lt.": Abbreviation("Lieutenant", False),
    "Sgt.": Abbreviation("Sergeant", False),
    "Col.": Abbreviation("Colonel", False),
    "Gov.": Abbreviation("Governor", False),
    "Sen.": Abbreviation("Senator", False),
    "Rep.": Abbreviation("Representative", False),
    "Rev.": Abbreviation("Reverend", False),
    "Hon.": Abbreviation("Honorable", False),
    "Fig.": Abbreviation("Figure", False),
    "fig.": Abbreviation("figure", False),
    "Vol.": Abbreviation("Volume", False),
    "vol.": Abbreviation("volume", False),
    "e.g.": Abbreviation("for example", False),
    "E.g.": Abbreviation("For example", False),
    "i.e.": Abbreviation("that is", False),
    "I.e.": Abbreviation("That is", False),
    "cf.": Abbreviation("compare", False),
    "vs.": Abbreviation("versus", False),
    "vs": Abbreviation("versus", False),
    "approx.": Abbreviation("approximately", False),
    "a.k.a.": Abbreviation("also known as", False),
    "U.S.": Abbreviation(spell("US"), False),
    "U.K.": Abbreviation(spell("UK"), False),
    "U.S.A.": Abbreviation(spell("USA")),
    "Ph.D.": Abbreviation(spell("PhD")),
    "D.C.": Abbreviation(spell("DC")),
    "Jr.": Abbreviation("Junior"),
    "Sr.": Abbreviation("Senior"),
    "Ave.": Abbreviation("Avenue"),
    "Blvd.": Abbreviation("Boulevard"),
    "Rd.": Abbreviation("Road"),
    "Hwy.": Abbreviation("Highway"),
    "etc.": Abbreviation("et cetera"),
    "Inc.": Abbreviation("Incorporated"),
    "Ltd.": Abbreviation("Limited"),
    "Co.": Abbreviation("Company"),
    "Corp.": Abbreviation("Corporation"),
    "Dept.": Abbreviation("Department"),
    **{f"{short}.": Abbreviation(MONTHS[number - 1]) for short, number in MONTH_ABBREVIATIONS.items()},
}


@dataclass(frozen=True)
class Ambiguous:
    """An abbreviation read by what stands around it: a title before a name, a place after one."""

    title: str
    place: str | None = None
    title_first: bool = False
    """Whether a name after it outweighs a name before it ("CEO Dr. Jones" against "Elm St. Louis")."""


AMBIGUOUS_ABBREVIATIONS = {
    "St.": Ambiguous("Saint", "Street"),
    "Dr.": Ambiguous("Doctor", "Drive", title_first=True),
    "Mt.": Ambiguous("Mount"),
    "Ft.": Ambiguous("Fort"),
    # British style writes some without the full stop.
    "St": Ambiguous("Saint", "Street"),
    "Dr": Ambiguous("Doctor", "Drive", title_first=True),
    "Mr": Ambiguous("Mister"),
    "Mrs": Ambiguous("Missus"),
    "Ms": Ambiguous("Miz"),
}
_ABBREVIATION_NAMES = sorted([*ABBREVIATIONS, *AMBIGUOUS_ABBREVIATIONS, "No.", "no."], key=len, reverse=True)
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in _ABBREVIATION_NAMES) + r")(?!\w)")
_NAME_FOLLOWS = re.compile(r"[ \t]+[A-Z]")
_NUMBER_FOLLOWS = re.compile(r"[ \t]?#?\d")


def _say_ambiguous(written: str, text: str, start: int, end: int) -> str | None:
    reading = AMBIGUOUS_ABBREVIATIONS[written]
    before = _previous_word(text, start)
    # "Elm St." / "5th St.": a place name comes first. "Visit St. Louis" starts a sentence.
    after_name = (
        bool(before)
        and (before[0].isupper() or before[0].isdecimal())
        and not _sentence_initial(text, text.rfind(before, 0, start))
    )
    name_follows = bool(_NAME_FOLLOWS.match(text, end))
    if reading.place is not None and after_name and not (reading.title_first and name_follows):
        return reading.place + _stop(text, end)
    if name_follows:
        return reading.title
    if reading.place is not None and written.endswith("."):
        return reading.place + _stop(text, end)
    return None


def _say_abbreviation(match: re.Match[str], text: str) -> str | None:
    written = match.group()
    if written in ("No.", "no."):
        return "number" if _NUMBER_FOLLOWS.match(text, match.end()) else None
    if written in AMBIGUOUS_ABBREVIATIONS:
        return _say_ambiguous(written, text, match.start(), match.end())
    abbreviation = ABBREVIATIONS[written]
    return abbreviation.spoken + _stop(text, match.end(), strict=not abbreviation.may_end_sentence)


def _find_abbreviations(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_ABBREVIATION, text, lambda m: _say_abbreviation(m, text))


# --- acronyms ---------------------------------------------------------------------------------

# Acronyms said as words.
WORD_ACRONYMS = word_set(
    """NASA NATO UNESCO UNICEF FIFA UEFA OPEC NAFTA LASER RADAR SCUBA SONAR AIDS COVID GIF JPEG PIN RAM ROM SIM
    SWAT ZIP POTUS SCOTUS FEMA ASCII OSHA IKEA CAPTCHA WYSIWYG DARPA ICANN INTERPOL NIMBY YOLO FOMO JSON YAML
    TOML NVIDIA CERN MENSA OLED LIDAR WASP NASDAQ ANSI DOS LAN WAN CAD SARS MERS EULA REST TED ISIS GIFs"""
)
# Acronyms said as letters even where they look like words.
LETTER_ACRONYMS = word_set(
    """FBI CIA USA UK US EU UN AI API CPU GPU URL HTML CSS SQL PDF FAQ NYC LA DC IT IO ID TV PC OS UI UX CEO CFO CTO
    BBC CNN NBA NFL IBM AWS USB HTTP HTTPS DNS VPN ASAP IOU SMS RSVP DIY FYI BTW OMG LOL DVD CD PM AM IRS EPA WHO
    NHS MIT UCLA NYU MBA PhD"""
)
# Letter acronyms that are also words: in a shouted sentence ("HELP US NOW") they are the words.
ACRONYMS_THAT_ARE_WORDS = word_set("US IT AM WHO")
# Short words written in capitals for emphasis ("This is NOT ok"): said as words.
SHORT_WORDS = word_set(
    """NOT YES NO AND BUT THE YOU ALL NOW OUT BIG HOT NEW OLD ONE TWO TOP WOW BAD GOD OUR HER HIS HIM SHE HE WE ME
    MY DO GO SO TO ON UP OF BE BY IF AN ARE WAS HAS HAD CAN DID GET GOT LET SEE WHY HOW OFF RUN SAY TRY WAY DAY BOY
    MAN FUN YET ANY TOO HEY OH"""
)
_ACRONYM = re.compile(r"(?<![\w'’.-])(?P<word>[A-Z]{2,})(?P<plural>['’]?s)?(?![A-Za-z'’])")
_ALPHA_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SHORT_ACRONYM = 3
# Consonant clusters English words start and end with; others betray an acronym ("FBI", "HTML").
_ONSETS = word_set(
    """BL BR CH CHR CL CR DR DW FL FR GL GN GR KL KN KR PH PL PR PS SC SCH SCR SH SHR SK SL SM SN SP SPH SPL SPR SQ ST
    STR SW TH THR TR TW WH WR"""
)
_CODAS = word_set(
    """CH CK CT FT GH GHT LB LD LF LK LL LM LN LP LT LV MB MN MP ND NG NK NT NCH NGTH PH PT RB RC RCH RD RF RG RK RL
    RM RN RP RT RTH RST RV SH SK SP SS ST TH TCH TZ WN WL WK WD WT XT ZZ FF DTH"""
)
_MAX_INNER_CONSONANTS = 3
_MAX_VOWEL_RUN = 2


def _clusters(word: str) -> list[tuple[str, bool]]:
    """Runs of vowels and of consonants, each with whether it is vowels; Y is a vowel except
    as the first letter ("YES", "MY")."""
    marked = word[0] + word[1:].replace("Y", "@")
    return [(run.replace("@", "Y"), run[0] in "AEIOU@") for run in re.findall(r"[AEIOU@]+|[^AEIOU@]+", marked)]


def _plural_coda(run: str) -> bool:
    return run.endswith("S") and (len(run) == 2 or run[:-1] in _CODAS)


def pronounceable(word: str) -> bool:
    """Whether capitals could be read as an English word ("STOP", "NASA") rather than letters ("HTML")."""
    runs = _clusters(word.upper())
    if not any(vowel for _, vowel in runs):
        return False
    last = len(runs) - 1
    for index, (run, vowel) in enumerate(runs):
        if vowel:
            fits = len(run) <= _MAX_VOWEL_RUN
        elif len(run) == 1:
            fits = True
        elif index == 0:
            fits = run in _ONSETS
        elif index == last:
            fits = run in _CODAS or _plural_coda(run)
        else:
            fits = len(run) <= _MAX_INNER_CONSONANTS
        if not fits:
            return False
    return True


def _caps_neighbor(text: str, start: int, end: int) -> bool:
    """Whether the next or previous word on the line is also in capitals (a shouted sentence)."""
    before = _ALPHA_WORD.findall(_before(text, start).rpartition("\n")[2])
    after = _ALPHA_WORD.findall(_after(text, end).partition("\n")[0])
    neighbors = before[-1:] + after[:1]
    return any(
        len(w) >= 2 and w.isupper() and (w not in LETTER_ACRONYMS or w in ACRONYMS_THAT_ARE_WORDS) for w in neighbors
    )


def _say_acronym(match: re.Match[str], text: str) -> str | None:
    word, plural = match["word"], match["plural"] or ""
    if word in WORD_ACRONYMS:
        return None
    shouted = _caps_neighbor(text, match.start(), match.end())
    short = len(word) <= _SHORT_ACRONYM
    if word in SHORT_WORDS or (shouted and word in ACRONYMS_THAT_ARE_WORDS):
        # espeak-ng spells some short capitalized words ("IT", "US"); in lower case it reads them.
        return match.group().lower()
    if word not in LETTER_ACRONYMS and pronounceable(word) and (shouted or not short):
        return match.group().lower() if short else None
    return spell(word) + ("'s" if plural else "")


def _find_acronyms(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from _sub_hits(_ACRONYM, text, lambda m: _say_acronym(m, text))


# --- symbols ----------------------------------------------------------------------------------

SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\b[A-Z])#(?!\w)"), "sharp"),  # C#, F#
    (re.compile(r"#(?=\d)"), "number"),
    (re.compile(r"(?<![\w&#])#(?=[A-Za-z])"), ""),  # hashtags: "#blessed" is said "blessed"
    (re.compile(r"&"), "and"),
    (re.compile(r"@"), "at"),
    (re.compile(r"\+"), "plus"),
    (re.compile(r"(?<![=!<>])=(?![=>])"), "equals"),
    (re.compile(r"×"), "times"),
    (re.compile(r"(?<=\d)x(?=\d)"), "by"),  # 1920x1080
    (re.compile(r"(?<=\d )x(?= \d)"), "times"),
    (re.compile(r"(?<=[A-Za-z] )x(?= \d)"), "by"),  # "2 in x 4 in"
    (re.compile(r"(?<=\d)x(?![\w])"), "times"),  # "3x faster"
    (re.compile(r"(?<=\d)\*(?=\d)|(?<=\d )\*(?= \d)"), "times"),
    (re.compile(r"(?<=\d)\^(?=\d)"), "to the power of"),
    (re.compile(r"÷"), "divided by"),
    (re.compile(r"±"), "plus or minus"),
    (re.compile(r"≈"), "approximately"),
    (re.compile(r"≠"), "does not equal"),
    (re.compile(r"≤"), "less than or equal to"),
    (re.compile(r"≥"), "greater than or equal to"),
    (re.compile(r"(?<=\w )<(?= \w)"), "less than"),
    (re.compile(r"(?<=\w )>(?= \w)"), "greater than"),
    (re.compile(r"~(?=\s?\d)"), "about"),
    (re.compile(r"(?<=[A-Za-z])-(?=\d)"), " "),  # "GPT-4", "COVID-19": not "minus"
    (re.compile(r"%"), "percent"),
    (re.compile(r"§"), "section"),
    (re.compile(r"©"), "copyright"),
    (re.compile(r"[™®]"), ""),
)


def _find_symbols(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern, spoken in SYMBOLS:
        for match in pattern.finditer(text):
            yield Replacement(match.start(), match.end(), spoken)


# --- the order ---------------------------------------------------------------------------------

# Earlier rules win: an address holds digits and dots; a phone number holds dashes that would
# read as ranges; a date holds slashes that would read as fractions; a time holds a colon that
# would read as a ratio; money and units hold the numbers they qualify.
RULES: tuple[Rule, ...] = (
    Rule("urls", lambda o: o.urls, _find_addresses),
    Rule("phone numbers", lambda o: o.phone_numbers, _find_phone_numbers),
    Rule("dates", lambda o: o.dates, _find_dates),
    Rule("times", lambda o: o.times, _find_times),
    Rule("money", lambda o: o.money, _find_money),
    Rule("percentages", lambda o: o.percentages, _find_percentages),
    Rule("versions", lambda o: o.versions, _find_versions),
    Rule("decades", lambda o: o.numbers, _find_decades),
    Rule("units", lambda o: o.units, _find_units),
    Rule("ranges", lambda o: o.numbers, _find_ranges),
    Rule("fractions", lambda o: o.numbers, _find_fractions),
    Rule("ordinals", lambda o: o.numbers, _find_ordinals),
    Rule("years", lambda o: o.numbers, _find_years),
    Rule("ratios", lambda o: o.numbers, _find_ratios),
    Rule("numbers", lambda o: o.numbers, _find_numbers),
    Rule("abbreviations", lambda o: o.abbreviations, _find_abbreviations),
    Rule("acronyms", lambda o: o.acronyms, _find_acronyms),
    Rule("symbols", lambda o: o.symbols, _find_symbols),
)
