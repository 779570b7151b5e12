"""Hindi: Indian grouping ("1,23,456"), "₹12.50" -> "बारह रुपये पचास पैसे", "10:30" -> "दस बजकर तीस मिनट".

espeak-ng reads plain Hindi numbers right on its own (Devanagari digits and lakhs included),
but it has to be given words wherever a number is part of something else: it drops "₹", reads
"10:30" as "das: tees" and "5वां" as two words. num2words has no Hindi, so the number words
are written here; the names of 0 to 99 are irregular and are listed whole. The rules write
words for plain numbers too, so that a number sounds the same wherever it stands.
"""

from __future__ import annotations

from kokoro_speech.normalize.currencies import Agreement, Noun, currencies_for
from kokoro_speech.normalize.locales.tables import Abbreviation, ClockTime, LocaleTable, NumberWords

# 0 to 99, each its own word.
BELOW_HUNDRED = (
    "शून्य",
    "एक",
    "दो",
    "तीन",
    "चार",
    "पाँच",
    "छह",
    "सात",
    "आठ",
    "नौ",
    "दस",
    "ग्यारह",
    "बारह",
    "तेरह",
    "चौदह",
    "पंद्रह",
    "सोलह",
    "सत्रह",
    "अठारह",
    "उन्नीस",
    "बीस",
    "इक्कीस",
    "बाईस",
    "तेईस",
    "चौबीस",
    "पच्चीस",
    "छब्बीस",
    "सत्ताईस",
    "अट्ठाईस",
    "उनतीस",
    "तीस",
    "इकतीस",
    "बत्तीस",
    "तैंतीस",
    "चौंतीस",
    "पैंतीस",
    "छत्तीस",
    "सैंतीस",
    "अड़तीस",
    "उनतालीस",
    "चालीस",
    "इकतालीस",
    "बयालीस",
    "तैंतालीस",
    "चौवालीस",
    "पैंतालीस",
    "छियालीस",
    "सैंतालीस",
    "अड़तालीस",
    "उनचास",
    "पचास",
    "इक्यावन",
    "बावन",
    "तिरेपन",
    "चौवन",
    "पचपन",
    "छप्पन",
    "सत्तावन",
    "अट्ठावन",
    "उनसठ",
    "साठ",
    "इकसठ",
    "बासठ",
    "तिरसठ",
    "चौंसठ",
    "पैंसठ",
    "छियासठ",
    "सड़सठ",
    "अड़सठ",
    "उनहत्तर",
    "सत्तर",
    "इकहत्तर",
    "बहत्तर",
    "तिहत्तर",
    "चौहत्तर",
    "पचहत्तर",
    "छिहत्तर",
    "सतहत्तर",
    "अठहत्तर",
    "उन्यासी",
    "अस्सी",
    "इक्यासी",
    "बयासी",
    "तिरासी",
    "चौरासी",
    "पचासी",
    "छियासी",
    "सत्तासी",
    "अट्ठासी",
    "नवासी",
    "नब्बे",
    "इक्यानबे",
    "बानबे",
    "तिरानबे",
    "चौरानबे",
    "पंचानबे",
    "छियानबे",
    "सत्तानबे",
    "अट्ठानबे",
    "निन्यानबे",
)
DIGITS = tuple(BELOW_HUNDRED[:10])
HUNDRED = 100
# Above the hundreds the Indian system counts in thousands, lakhs (10^5) and crores (10^7);
# a number of crores is itself read as a number ("सौ करोड़").
SCALES = ((10**7, "करोड़"), (10**5, "लाख"), (10**3, "हज़ार"), (HUNDRED, "सौ"))
_FIRST_CENTURY_YEAR, _LAST_CENTURY_YEAR = 1100, 1999

# Ordinals: the first few are their own words; the rest add "वाँ" to the number. Each inflects
# for a masculine ("m"), feminine ("f") or oblique/plural ("o") noun.
_IRREGULAR_ORDINALS = {1: "पहल", 2: "दूसर", 3: "तीसर", 4: "चौथ", 6: "छठ"}
_IRREGULAR_ENDINGS = {"m": "ा", "f": "ी", "o": "े"}
_REGULAR_ENDINGS = {"m": "वाँ", "f": "वीं", "o": "वें"}


def cardinal(number: int, agreement: Agreement = "counting") -> str:
    if number < HUNDRED:
        return BELOW_HUNDRED[number]
    words: list[str] = []
    for value, name in SCALES:
        count, number = divmod(number, value)
        if count:
            words += [cardinal(count), name]
    if number:
        words.append(BELOW_HUNDRED[number])
    return " ".join(words)


def ordinal(number: int, form: str = "m") -> str:
    if number in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[number] + _IRREGULAR_ENDINGS.get(form, "ा")
    return cardinal(number) + _REGULAR_ENDINGS.get(form, "वाँ")


def year(number: int) -> str:
    """1999 -> "उन्नीस सौ निन्यानबे" (centuries are counted in hundreds); 2027 -> "दो हज़ार सत्ताईस"."""
    if _FIRST_CENTURY_YEAR <= number <= _LAST_CENTURY_YEAR:
        century, rest = divmod(number, HUNDRED)
        return f"{cardinal(century)} सौ {cardinal(rest)}" if rest else f"{cardinal(century)} सौ"
    return cardinal(number)


# The part of the day said before a 12 h time: the last hour (on the 24 h clock) each one covers.
_DAY_PARTS = ((3, "रात"), (11, "सुबह"), (15, "दोपहर"), (19, "शाम"), (23, "रात"))
_HALF_DAY = 12


def say_time(time: ClockTime) -> str:
    """ "10:30" -> "दस बजकर तीस मिनट", "10:00" -> "दस बजे", "10:30 PM" -> "रात दस बजकर तीस मिनट"."""
    hour = cardinal(time.hour)
    words = f"{hour} बजकर {cardinal(time.minute)} मिनट" if time.minute else f"{hour} बजे"
    if time.second:
        words += f" {cardinal(time.second)} सेकंड"
    if time.meridiem is None:
        return words
    clock = time.hour % _HALF_DAY + (_HALF_DAY if time.meridiem == "pm" else 0)
    part = next(name for last, name in _DAY_PARTS if clock <= last)
    return f"{part} {words}"


HINDI = LocaleTable(
    code="hi",
    words=NumberWords(cardinal, ordinal, year, DIGITS),
    decimal_separator=".",
    group_separators=",",
    indian_grouping=True,
    point="दशमलव",
    # After the decimal point Hindi reads digit by digit ("तीन दशमलव एक चार").
    fraction_as_number=False,
    minus="माइनस",
    plus="प्लस",
    percent="प्रतिशत",
    currencies=currencies_for("hi"),
    months=(
        "जनवरी",
        "फ़रवरी",
        "मार्च",
        "अप्रैल",
        "मई",
        "जून",
        "जुलाई",
        "अगस्त",
        "सितंबर",
        "अक्टूबर",
        "नवंबर",
        "दिसंबर",
    ),
    month_abbreviations={"फरवरी": 2, "सितम्बर": 9, "अक्तूबर": 10, "नवम्बर": 11, "दिसम्बर": 12},
    say_time=say_time,
    meridiems=True,
    time_suffixes=("बजे",),
    units={
        "km": Noun("किलोमीटर", "किलोमीटर"),
        "कि.मी.": Noun("किलोमीटर", "किलोमीटर"),
        "m": Noun("मीटर", "मीटर"),
        "cm": Noun("सेंटीमीटर", "सेंटीमीटर"),
        "mm": Noun("मिलीमीटर", "मिलीमीटर"),
        "m²": Noun("वर्ग मीटर", "वर्ग मीटर"),
        "kg": Noun("किलोग्राम", "किलोग्राम"),
        "कि.ग्रा.": Noun("किलोग्राम", "किलोग्राम"),
        "g": Noun("ग्राम", "ग्राम"),
        "mg": Noun("मिलीग्राम", "मिलीग्राम"),
        "l": Noun("लीटर", "लीटर"),
        "L": Noun("लीटर", "लीटर"),
        "ml": Noun("मिलीलीटर", "मिलीलीटर"),
        "°C": Noun("डिग्री सेल्सियस", "डिग्री सेल्सियस"),
        "°F": Noun("डिग्री फ़ारेनहाइट", "डिग्री फ़ारेनहाइट"),
        "°": Noun("डिग्री", "डिग्री"),
        "km/h": Noun("किलोमीटर प्रति घंटा", "किलोमीटर प्रति घंटा"),
        "KB": Noun("केबी", "केबी"),
        "MB": Noun("एमबी", "एमबी"),
        "GB": Noun("जीबी", "जीबी"),
        "TB": Noun("टीबी", "टीबी"),
        "min": Noun("मिनट", "मिनट"),
        "s": Noun("सेकंड", "सेकंड"),
        "W": Noun("वाट", "वाट"),
        "kW": Noun("किलोवाट", "किलोवाट"),
    },
    abbreviations={
        "डॉ.": Abbreviation("डॉक्टर", "name"),
        "प्रो.": Abbreviation("प्रोफ़ेसर", "name"),
        "कु.": Abbreviation("कुमारी", "name"),
        "मि.": Abbreviation("मिस्टर", "name"),
        "स्व.": Abbreviation("स्वर्गीय", "name"),
        "पं.": Abbreviation("पंडित", "name"),
        "Dr.": Abbreviation("डॉक्टर", "name"),
        "Mr.": Abbreviation("मिस्टर", "name"),
        "Mrs.": Abbreviation("मिसेज़", "name"),
        "ई.पू.": Abbreviation("ईसा पूर्व"),
        "नं.": Abbreviation("नंबर", "number"),
        "सं.": Abbreviation("संख्या", "number"),
        "No.": Abbreviation("नंबर", "number"),
    },
    ordinal_suffixes={
        "ला": "m",
        "ली": "f",
        "ले": "o",
        "रा": "m",
        "री": "f",
        "रे": "o",
        "था": "m",
        "थी": "f",
        "थे": "o",
        "ठा": "m",
        "ठी": "f",
        "ठे": "o",
        "वाँ": "m",
        "वां": "m",
        "वीं": "f",
        "वी": "f",
        "वें": "o",
        "वे": "o",
    },
)
