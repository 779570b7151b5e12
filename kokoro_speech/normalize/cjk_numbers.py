"""Figures in Chinese and Japanese text said the way a native reader says them, before misaki reads them.

misaki's Chinese G2P reads most figures well once group commas are gone; it drops currency signs and Latin
unit symbols, reads "10:30" as two numbers, and takes "1200日元" for a date. Its Japanese G2P reads each digit
run apart from the counter after it ("3月" as "san tsuki", "5日" as "go nichi"), drops "%" and "℃", reads
"1,000,000" digit by digit and "3.5" as two numbers. Japanese figures therefore become kanji numerals here
(which misaki's dictionary reads with their counters), and the counters whose reading changes with the
number (hours, minutes, months, days of the month) become kana.

Each rewrite is a rule of the one rule engine (:mod:`.rules`), under the request's switch of its kind (money,
units, percentages, times, dates, numbers), and keeps the origin map word timings rely on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kokoro_speech.normalize.currencies import currencies_for, signs_pattern
from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.rules import Rule, replacements
from kokoro_speech.normalize.spans import Replacement, apply_replacements

_RUN = r"\d+(?:,\d{3}(?!\d))*"
"""Digits, with the group commas misaki's readers would take for three numbers ("1,000,000")."""
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_AMOUNT = rf"{_RUN}(?:\.\d+)?"
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-4]):([0-5]\d)(?![\d:])")
_UNIT_AFTER = r"(?<=\d) ?({units})(?![A-Za-z/])"


def _digits(written: str) -> str:
    return written.replace(",", "")


def _currency_first(language: str) -> re.Pattern[str]:
    """A currency sign or code before its amount; Chinese and Japanese say the currency after it."""
    return re.compile(rf"(?P<sign>{signs_pattern(currencies_for(language))}) ?(?P<amount>{_AMOUNT})")


# --- Chinese ---------------------------------------------------------------------------------------------

_ZH_UNITS = {
    "km/h": "公里每小时",
    "km": "公里",
    "kg": "公斤",
    "cm": "厘米",
    "mm": "毫米",
    "m": "米",
    "g": "克",
    "°C": "摄氏度",
}
_ZH_UNIT = re.compile(_UNIT_AFTER.format(units="|".join(map(re.escape, _ZH_UNITS))))
# misaki's date rule takes the digits before "日" in "1200日元" for a day of the month.
_ZH_YEN = re.compile(r"(?<=\d)(?=日[元圆])")


def _chinese_time(match: re.Match[str]) -> str:
    hour, minutes = match[1], match[2]
    return f"{int(hour)}点" + ("" if minutes == "00" else f"{minutes}分")


# --- Japanese --------------------------------------------------------------------------------------------

_KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI_BELOW_MAN = ((1000, "千"), (100, "百"), (10, "十"))
"""A leading one is not said before these ("千二百", not "一千二百")."""
_KANJI_MAN_GROUPS = ("", "万", "億", "兆", "京")
_MAN = 10_000
MAX_KANJI_DIGITS = 4 * len(_KANJI_MAN_GROUPS)
"""Longer digit runs are no quantity anyone reads as one; misaki reads them as it would."""

_JA_UNITS = {
    "km/h": "キロメートル毎時",
    "km": "キロメートル",
    "kg": "キログラム",
    "cm": "センチメートル",
    "mm": "ミリメートル",
    "m": "メートル",
    "g": "グラム",
    "%": "パーセント",
    "％": "パーセント",
    "°C": "度",
    "℃": "度",
    "°": "度",
}
_JA_UNIT = re.compile(_UNIT_AFTER.format(units="|".join(map(re.escape, _JA_UNITS))))
_JA_CLOCK = re.compile(r"(?<!\d)(\d{1,2})時(?:(\d{1,2})分)?")
_JA_MINUTES = re.compile(r"(?<![\d.])(\d{1,2})分(?!の)")
"""Minutes or a duration in minutes; "3分の1" is a fraction, read with ぶん."""
_JA_MONTH_DAY = re.compile(r"(?<![\d.])(\d{1,2})月(?:(\d{1,2})日)?")

# Readings that change with the number: a table is clearer than the rules (よじ, しちがつ, はつか...).
_JA_KANA_TENS = ("", "じゅう", "にじゅう", "さんじゅう", "よんじゅう", "ごじゅう")
_JA_HOUR_UNITS = ("れい", "いち", "に", "さん", "よ", "ご", "ろく", "しち", "はち", "く")
_JA_MINUTE_UNITS = (
    "",
    "いっぷん",
    "にふん",
    "さんぷん",
    "よんぷん",
    "ごふん",
    "ろっぷん",
    "ななふん",
    "ハップン",  # in hiragana misaki takes the は of "にじゅうはっぷん" for the particle (wa)
    "きゅうふん",
)
_JA_MONTHS = ("", "いち", "に", "さん", "し", "ご", "ろく", "しち", "はち", "く", "じゅう", "じゅういち", "じゅうに")
_JA_DAY_UNITS = ("", "いち", "に", "さん", "よん", "ご", "ろく", "しち", "はち", "く")
_JA_NATIVE_DAYS = {
    1: "ついたち",
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    20: "二十日",  # misaki reads kana はつか with the particle wa; it reads these kanji right
}
_HOURS_IN_DAY = 24
_MINUTES_IN_HOUR = 60
_MONTHS_IN_YEAR = 12
_DAYS_IN_MONTH = 31


def kanji(number: int) -> str:
    """1200 -> "千二百", 10_000 -> "一万", 12345 -> "一万二千三百四十五"; 0 -> "零"."""
    if number == 0:
        return "零"
    out = ""
    for mark in _KANJI_MAN_GROUPS:
        number, group = divmod(number, _MAN)
        if group:
            out = _kanji_below_man(group) + mark + out
    return out


def _kanji_below_man(number: int) -> str:
    out = ""
    for value, mark in _KANJI_BELOW_MAN:
        count, number = divmod(number, value)
        if count:
            out += ("" if count == 1 else _KANJI_DIGITS[count]) + mark
    return out + (_KANJI_DIGITS[number] if number else "")


def _is_code(digits: str) -> bool:
    """A leading zero (a phone number, a code) or too many digits: not one quantity."""
    return (len(digits) > 1 and digits.startswith("0")) or len(digits) > MAX_KANJI_DIGITS


def _japanese_hour(hour: int) -> str:
    if hour == 0:
        return "れいじ"
    tens, ones = divmod(hour, 10)
    return _JA_KANA_TENS[tens] + (_JA_HOUR_UNITS[ones] if ones else "") + "じ"


def _japanese_minutes(minutes: int) -> str | None:
    if not 0 < minutes < _MINUTES_IN_HOUR:
        return None
    tens, ones = divmod(minutes, 10)
    if ones:
        return _JA_KANA_TENS[tens] + _JA_MINUTE_UNITS[ones]
    # じゅう + ふん is said じゅっぷん.
    return _JA_KANA_TENS[tens].removesuffix("う") + "っぷん"


def _japanese_clock(hour: int, minutes: int) -> str:
    return _japanese_hour(hour) + (_japanese_minutes(minutes) or "")


def _japanese_clock_match(match: re.Match[str]) -> str | None:
    hour = int(match[1])
    minutes = int(match[2]) if match[2] else 0
    if hour > _HOURS_IN_DAY or minutes >= _MINUTES_IN_HOUR:
        return None
    return _japanese_clock(hour, minutes)


def _japanese_day(day: int) -> str:
    if day in _JA_NATIVE_DAYS:
        return _JA_NATIVE_DAYS[day]
    if day % 10 == 4:  # 14, 24: じゅうよっか
        return _JA_KANA_TENS[day // 10] + "よっか"
    tens, ones = divmod(day, 10)
    return _JA_KANA_TENS[tens] + _JA_DAY_UNITS[ones] + "にち"


def _japanese_date(match: re.Match[str]) -> str | None:
    month = int(match[1])
    if not 0 < month <= _MONTHS_IN_YEAR:
        return None
    said = _JA_MONTHS[month] + "がつ"
    if match[2]:
        day = int(match[2])
        # Without the space misaki cuts the kana across the two words ("さんがつい つか").
        said += " " + _japanese_day(day) if 0 < day <= _DAYS_IN_MONTH else kanji(day) + "日"
    return said


# --- the rules ------------------------------------------------------------------------------------------

_ZH_MONEY = _currency_first("zh")
_JA_MONEY = _currency_first("ja")
_ZH_SAID = currencies_for("zh")
_JA_SAID = currencies_for("ja")
_JA_PERCENT_UNITS = frozenset({"%", "％"})
_JA_DECIMAL = re.compile(rf"(?<![\d.])({_RUN})\.(\d+)(?![\d.])")
_JA_INTEGER = re.compile(rf"(?<![\d.]){_RUN}(?![\d.])")


def _zh_money(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ZH_MONEY, text, lambda m: _digits(m["amount"]) + _ZH_SAID[m["sign"]].unit.singular)
    yield from sub_hits(_ZH_YEN, text, lambda m: " ")


def _zh_units(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ZH_UNIT, text, lambda m: _ZH_UNITS[m[1]])


def _zh_times(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_TIME, text, _chinese_time)


def _group_commas(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_GROUP_COMMA, text, lambda m: "")


def _japanese_amount(written: str) -> str:
    """A figure as a kanji numeral; a code (a leading zero, too many digits) as written."""
    whole, _, fraction = _digits(written).partition(".")
    if _is_code(whole):
        return written
    return kanji(int(whole)) + ("点" + "".join(_KANJI_DIGITS[int(d)] for d in fraction) if fraction else "")


def _ja_money(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_JA_MONEY, text, lambda m: _japanese_amount(m["amount"]) + _JA_SAID[m["sign"]].unit.singular)


def _ja_units(kind: Callable[[str], bool]) -> Callable[[str, NormalizationOptions], Iterator[Replacement]]:
    def find(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
        yield from sub_hits(_JA_UNIT, text, lambda m: _JA_UNITS[m[1]] if kind(m[1]) else None)

    return find


def _ja_times(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_TIME, text, lambda m: _japanese_clock(int(m[1]), int(m[2])))
    yield from sub_hits(_JA_CLOCK, text, _japanese_clock_match)
    yield from sub_hits(_JA_MINUTES, text, lambda m: _japanese_minutes(int(m[1])))


def _ja_dates(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_JA_MONTH_DAY, text, _japanese_date)


def _ja_numbers(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_JA_DECIMAL, text, lambda m: _japanese_amount(m[0]))
    yield from sub_hits(_JA_INTEGER, text, lambda m: _japanese_amount(m[0]))


CHINESE_RULES: tuple[Rule, ...] = (
    Rule("money", lambda o: o.money, _zh_money),
    Rule("units", lambda o: o.units, _zh_units),
    Rule("times", lambda o: o.times, _zh_times),
    Rule("numbers", lambda o: o.numbers, _group_commas),
)
JAPANESE_RULES: tuple[Rule, ...] = (
    Rule("money", lambda o: o.money, _ja_money),
    Rule("percentages", lambda o: o.percentages, _ja_units(lambda unit: unit in _JA_PERCENT_UNITS)),
    Rule("units", lambda o: o.units, _ja_units(lambda unit: unit not in _JA_PERCENT_UNITS)),
    Rule("times", lambda o: o.times, _ja_times),
    Rule("dates", lambda o: o.dates, _ja_dates),
    Rule("numbers", lambda o: o.numbers, _ja_numbers),
)
RULES = {"zh": CHINESE_RULES, "ja": JAPANESE_RULES}


def cjk_replacements(
    text: str, options: NormalizationOptions, language: str, *, taken: tuple[tuple[int, int], ...] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements for Chinese ("zh") or Japanese ("ja") ``text``."""
    return replacements(RULES.get(language, ()), text, options, taken=taken)


def chinese_numbers(text: str) -> str:
    """Currency, units and clock times as said ("¥1,200" -> "1200元", "10:30" -> "10点30分", "3km" -> "3公里");
    misaki reads the figures left."""
    return apply_replacements(text, cjk_replacements(text, NormalizationOptions(), "zh")).text


def japanese_numbers(text: str) -> str:
    """Figures as kanji numerals or kana, as said: "1,000,000円" -> "百万円", "3km" -> "三キロメートル",
    "10:30" -> "じゅうじさんじゅっぷん", "3月5日" -> "さんがつ いつか", "3.5" -> "三点五"."""
    return apply_replacements(text, cjk_replacements(text, NormalizationOptions(), "ja")).text
