"""Chinese and Japanese figures are said the way a native reader says them.

Each row pairs a figure with the same words spelled out in hanzi or kana; both go through the server's
G2P, and must give the same sounds (word spaces aside, since misaki cuts spelled-out words differently).
"""

from __future__ import annotations

import pytest

from kokoro_speech.engine.languages import find
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.normalize import NormalizationOptions, normalize_text
from kokoro_speech.normalize.cjk_numbers import chinese_numbers, japanese_numbers, kanji
from tests.support.origins import assert_origins_point_back

CHINESE = (
    ("1,000,000", "一百万"),
    ("12,345.67", "一万二千三百四十五点六七"),
    ("3.5", "三点五"),
    ("50%", "百分之五十"),
    ("2027年3月5日", "二零二七年三月五日"),
    ("¥1,200", "一千二百元"),
    ("￥99", "九十九元"),
    ("1200日元", "一千二百日元"),
    ("$100", "一百美元"),
    ("3km", "三公里"),
    ("5kg", "五公斤"),
    ("60km/h", "六十公里每小时"),
    ("25°C", "二十五摄氏度"),
    ("10:30", "十点三十分"),
    ("14:00", "十四点"),
)

JAPANESE = (
    ("1,000,000円", "百万円"),
    ("100円", "百円"),
    ("¥1,200", "千二百円"),
    ("12,345.67", "一万二千三百四十五点六七"),
    ("3.5", "三点五"),
    ("50%", "五十パーセント"),
    ("3km", "三キロメートル"),
    ("5kg", "五キログラム"),
    ("25℃", "二十五度"),
    ("2024年3月5日", "二千二十四年三月五日"),
    ("4月14日", "しがつ じゅうよっか"),
    ("7月1日", "しちがつ ついたち"),
    ("9月20日", "くがつ 二十日"),  # misaki reads the kana はつか as "wa-tsuka"
    ("14時30分", "じゅうよじ さんじゅっぷん"),
    ("10:30", "じゅうじ さんじゅっぷん"),
    ("9時", "くじ"),
    ("18分", "じゅう ハップン"),
    ("3分の1", "三分の一"),
    ("第1位", "第一位"),
    ("1人", "一人"),
)


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer()


def said(phonemizer: Phonemizer, text: str, language: str) -> str:
    """The sounds of ``text`` as the server reads it: normalized, then through the language's G2P."""
    spoken = normalize_text(text, NormalizationOptions(), language).text
    return phonemizer.phonemize([spoken], find(language))[0].replace(" ", "")


@pytest.mark.parametrize(("figures", "words"), CHINESE)
def test_chinese_figures_are_read_as_their_words(phonemizer: Phonemizer, figures: str, words: str) -> None:
    assert said(phonemizer, figures, "zh") == said(phonemizer, words, "zh"), chinese_numbers(figures)


@pytest.mark.parametrize(("figures", "words"), JAPANESE)
def test_japanese_figures_are_read_as_their_words(phonemizer: Phonemizer, figures: str, words: str) -> None:
    assert said(phonemizer, figures, "ja") == said(phonemizer, words, "ja"), japanese_numbers(figures)


@pytest.mark.parametrize(
    ("text", "language", "off", "kept"),
    [
        ("¥1,200と3km", "ja", {"money": False}, "¥1,200"),
        ("¥1,200と3km", "ja", {"units": False}, "km"),
        ("10:30に", "ja", {"times": False}, "10:30"),
        ("3月5日", "ja", {"dates": False}, "月"),
        ("价格是¥1,200", "zh", {"money": False}, "¥1,200"),
        ("10:30开会", "zh", {"times": False}, "10:30"),
        ("1,000,000人", "zh", {"numbers": False}, "1,000,000"),
    ],
)
def test_figures_obey_the_requests_switches_and_point_back_to_what_was_written(
    text: str, language: str, off: dict[str, bool], kept: str
) -> None:
    assert kept not in normalize_text(text, NormalizationOptions(), language).text
    result = normalize_text(text, NormalizationOptions().overridden(**off), language)
    assert kept in result.text
    assert_origins_point_back(text, normalize_text(text, NormalizationOptions(), language))


@pytest.mark.parametrize(
    ("number", "written"),
    [
        (0, "零"),
        (10, "十"),
        (1200, "千二百"),
        (10_000, "一万"),
        (12_345, "一万二千三百四十五"),
        (11_000_000, "千百万"),
        (100_000_000, "一億"),
        (2024, "二千二十四"),
    ],
)
def test_kanji_numerals_follow_japanese_grouping(number: int, written: str) -> None:
    assert kanji(number) == written


def test_codes_and_fractions_keep_their_own_reading() -> None:
    # Digits after a leading zero are a code, not a quantity; "3分の1" is a third, not three minutes.
    assert japanese_numbers("090-1234") == "090-千二百三十四"
    assert japanese_numbers("3分の1") == "三分の一"
    assert japanese_numbers("25時") == "二十五時"
