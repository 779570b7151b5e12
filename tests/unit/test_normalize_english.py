"""English normalization rules (pure logic: no model, no server)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kokoro_speech.normalize import NormalizationOptions, Replacement, apply_replacements, normalize_text
from kokoro_speech.normalize import numbers as nw
from tests.support.origins import assert_origins_point_back

DEFAULTS = NormalizationOptions()


def spoken(text: str, options: NormalizationOptions = DEFAULTS, language: str = "en-us") -> str:
    return " ".join(normalize_text(text, options, language).text.split())


CARDINALS = [
    ("42", "forty two"),
    ("1,234,567", "one million two hundred thirty four thousand five hundred sixty seven"),
    ("I have 3 cats.", "I have three cats."),
    ("101 dalmatians", "one hundred one dalmatians"),
    ("She earns 50,000 a year.", "She earns fifty thousand a year."),
    ("I have 1500 apples.", "I have one thousand five hundred apples."),
    ("Agent 007 and 0", "Agent zero zero seven and zero"),
    ("Call 911 now", "Call nine one one now"),
    ("MP3 and A4 paper", "M P three and A four paper"),
]
ORDINALS = [
    ("1st", "first"),
    ("22nd", "twenty second"),
    ("103rd", "one hundred third"),
    ("5th", "fifth"),
    ("the 2nd half", "the second half"),
    ("her 100th birthday", "her one hundredth birthday"),
]
DECIMALS = [
    ("3.14", "three point one four"),
    ("0.5", "zero point five"),
    (".5 of it", "point five of it"),
    ("4.5 stars", "four point five stars"),
    ("0.001", "zero point zero zero one"),
    ("It is 5.", "It is five."),
    ("1,234.5", "one thousand two hundred thirty four point five"),
]
NEGATIVES = [
    ("-5", "minus five"),
    ("-3.5°C", "minus three point five degrees Celsius"),
    ("It fell to -12 overnight.", "It fell to minus twelve overnight."),
    ("(-2)", "(minus two)"),
    ("y = -5", "y equals minus five"),
    ("−7", "minus seven"),
    ("COVID-19", "COVID nineteen"),
]
MONEY = [
    ("It costs $19.99", "It costs nineteen dollars and ninety nine cents"),
    ("$1", "one dollar"),
    ("$0.50", "fifty cents"),
    ("$1.01", "one dollar and one cent"),
    ("$5.00", "five dollars"),
    ("€5", "five euros"),
    ("£2.50", "two pounds and fifty pence"),
    ("£0.01", "one penny"),
    ("¥1000", "one thousand yen"),
    ("$2.5 million", "two point five million dollars"),
    ("$5M", "five million dollars"),
    ("$3B", "three billion dollars"),
    ("$10k", "ten thousand dollars"),
    ("$50,000 a year", "fifty thousand dollars a year"),
    ("-$5", "minus five dollars"),
    ("5€ or 10 €", "five euros or ten euros"),
    ("50¢", "fifty cents"),
    ("$1.5", "one point five dollars"),
]
PERCENTAGES = [
    ("45%", "forty five percent"),
    ("3.5%", "three point five percent"),
    ("100 %", "one hundred percent"),
    ("-2%", "minus two percent"),
    ("5-10%", "five to ten percent"),
    ("A 0.5% fee", "A zero point five percent fee"),
]
DATES = [
    ("2027-03-05", "March fifth, twenty twenty seven"),
    ("March 5th, 2027", "March fifth, twenty twenty seven"),
    ("5 March 2027", "the fifth of March, twenty twenty seven"),
    ("5/3/2027", "May third, twenty twenty seven"),
    ("on Mar. 3, 2027", "on March third, twenty twenty seven"),
    ("The 5th of March, 2027", "The fifth of March, twenty twenty seven"),
    ("See you 12/25/2027!", "See you December twenty fifth, twenty twenty seven!"),
    ("Born 25/12/1990.", "Born December twenty fifth, nineteen ninety."),
    ("Jan 2027", "January twenty twenty seven"),
    ("May 5-7, 2027", "May fifth to seventh, twenty twenty seven"),
    ("2001-01-09", "January ninth, two thousand one"),
]
TIMES = [
    ("3:30 pm", "three thirty P M"),
    ("3:30 p.m.", "three thirty P M."),
    ("at 3:30 p.m. Then we left", "at three thirty P M. Then we left"),
    ("10am", "ten eh M"),
    ("10 A.M. sharp", "ten eh M sharp"),
    ("14:45", "fourteen forty five"),
    ("9:05", "nine oh five"),
    ("12:00", "twelve o'clock"),
    ("14:00", "fourteen hundred"),
    ("2:30:15", "two thirty and fifteen seconds"),
]
YEARS = [
    ("in 1998", "in nineteen ninety eight"),
    ("2007", "two thousand seven"),
    ("2027", "twenty twenty seven"),
    ("1900", "nineteen hundred"),
    ("1905", "nineteen oh five"),
    ("the 1990s", "the nineteen nineties"),
    ("the '90s", "the nineties"),
    ("in his 20s", "in his twenties"),
    ("In 1500 they sailed.", "In fifteen hundred they sailed."),
    ("The year 2000 was fun.", "The year two thousand was fun."),
    ("© 2027 Acme", "copyright twenty twenty seven Acme"),
    ("the 1800s", "the eighteen hundreds"),
]
PHONE_NUMBERS = [
    ("555-0199", "five five five, zero one nine nine"),
    ("(555) 123-4567", "five five five, one two three, four five six seven"),
    ("+1 555 123 4567", "plus one, five five five, one two three, four five six seven"),
    ("1-800-555-0199", "one, eight hundred, five five five, zero one nine nine"),
    ("555.123.4567", "five five five, one two three, four five six seven"),
    ("+44 20 7946 0958", "plus four four, two zero, seven nine four six, zero nine five eight"),
    ("Call 555-1234, then", "Call five five five, one two three four, then"),
]
UNITS = [
    ("1 kg", "one kilogram"),
    ("2.4 kg", "two point four kilograms"),
    ("5km", "five kilometers"),
    ("12 mph", "twelve miles per hour"),
    ("60 km/h", "sixty kilometers per hour"),
    ("I am 5 ft tall", "I am five feet tall"),
    ("a 12 in. ruler", "a twelve inches ruler"),
    ("2 in x 4 in", "two inches by four inches"),
    ("90°", "ninety degrees"),
    ("72°F", "seventy two degrees Fahrenheit"),
    ("16 GB of RAM", "sixteen gigabytes of RAM"),
    ("3.2 GHz", "three point two gigahertz"),
    ("500 ms", "five hundred milliseconds"),
    ("timeout 0.5s", "timeout zero point five seconds"),
    ("30 min", "thirty minutes"),
    ("1 L", "one liter"),
    ("5-10 kg", "five to ten kilograms"),
    ("$5/kg", "five dollars per kilogram"),
    ("5'10\"", "five feet ten inches"),
    ("100 W and 12 V", "one hundred watts and twelve volts"),
    ("5000 mAh", "five thousand milliamp hours"),
]
# A unit only after a number, and "in" only where it cannot be the preposition.
UNITS_NOT_READ = [
    ("I am 5 feet tall", "I am five feet tall"),
    ("Put 2 in the morning slot", "Put two in the morning slot"),
    ("Born in 1990 in Paris", "Born in nineteen ninety in Paris"),
    ("Plan B and 5 G", "Plan B and five G"),
    ("He is 5 and she is 7", "He is five and she is seven"),
]
UNITS_UNCHANGED = [
    "It's in the box",
    "The km and kg are units",
    "I want more.",
]
ABBREVIATIONS = [
    ("Dr. Smith", "Doctor Smith"),
    ("Ask Dr. Jones.", "Ask Doctor Jones."),
    ("Elm St.", "Elm Street."),
    ("St. Louis", "Saint Louis"),
    ("in St. Louis on Elm St. today", "in Saint Louis on Elm Street today"),
    ("Mr. and Mrs. Smith", "Mister and Missus Smith"),
    ("Ms. Lee and Prof. Chan", "Miz Lee and Professor Chan"),
    ("John Smith Jr. said", "John Smith Junior said"),
    ("5th Ave. and Sunset Blvd.", "fifth Avenue and Sunset Boulevard."),
    ("Mt. Everest", "Mount Everest"),
    ("apples, pears, etc. Then more.", "apples, pears, et cetera. Then more."),
    ("fruit, e.g. apples", "fruit, for example apples"),
    ("one, i.e. the first", "one, that is the first"),
    ("cats vs. dogs", "cats versus dogs"),
    ("cats vs dogs", "cats versus dogs"),
    ("approx. 5", "approximately five"),
    ("No. 5", "number five"),
    ("Acme Inc. and Foo Ltd.", "Acme Incorporated and Foo Limited."),
    ("Dept. of Labor", "Department of Labor"),
    ("Sept. and Dec.", "September and December."),
]
ABBREVIATIONS_UNCHANGED = [
    "No. I will not.",
    "Stop it.",
    "Drive safely.",
]
ACRONYMS = [
    ("FBI", "F B I"),
    ("the USA", "the U S eh"),
    ("HTML", "H T M L"),
    ("the API", "the eh P I"),
    ("CPU and GPU", "C P U and G P U"),
    ("a URL", "a U R L"),
    ("APIs", "eh P I's"),
    ("the IBM PC", "the I B M P C"),
    ("HTTPS", "H T T P S"),
    ("This is NOT ok", "This is not ok"),
    ("HELP US NOW", "HELP us now"),
    ("THE FBI IS HERE", "the F B I is HERE"),
]
ACRONYMS_UNCHANGED = [
    "NASA",
    "NATO",
    "STOP RIGHT THERE",
    "A and I",
    "I think so",
    "UNESCO and UNICEF",
    "The JSON file",
    "WARNING: HIGH VOLTAGE",
]
URLS = [
    ("https://example.com/docs", "example dot com slash docs"),
    ("www.openai.com", "W W W dot openai dot com"),
    ("jane.doe@example.org", "jane dot doe at example dot org"),
    ("Visit example.com.", "Visit example dot com."),
    ("Mail bob_smith+tag@mail.example.co.uk.", "Mail bob underscore smith plus tag at mail dot example dot co dot uk."),
    ("http://localhost:8080/", "localhost colon eight thousand eighty"),
    ("See (https://a-b.io/x?q=1).", "See (a dash b dot io slash x question mark q equals one)."),
    ("192.168.1.1", "one hundred ninety two dot one hundred sixty eight dot one dot one"),
]
VERSIONS = [
    ("Python 3.12", "Python three point twelve"),
    ("v2.4.1", "version two point four point one"),
    ("iOS 17.2", "iOS seventeen point two"),
    ("macOS 14.5", "macOS fourteen point five"),
    ("Release 3.2.1 is out", "Release three point two point one is out"),
    ("Version 2.0 is out.", "Version two point zero is out."),
    ("v3", "version three"),
]
FRACTIONS = [
    ("1/2", "one half"),
    ("3/4", "three quarters"),
    ("2/3", "two thirds"),
    ("1 1/2", "one and a half"),
    ("2 3/4 cups", "two and three quarters cups"),
    ("1/3", "one third"),
    ("5/8", "five eighths"),
    ("open 24/7", "open twenty four seven"),
    ("a 50/50 chance", "a fifty fifty chance"),
]
RANGES = [
    ("10-20", "ten to twenty"),
    ("pages 5–10", "pages five to ten"),
    ("1990-1995", "nineteen ninety to nineteen ninety five"),
    ("1990-95", "nineteen ninety to ninety five"),
    ("$10-$20", "ten to twenty dollars"),
    ("$5-10 million", "five to ten million dollars"),
    ("$9.99-$19.99", "nine dollars and ninety nine cents to nineteen dollars and ninety nine cents"),
    ("He won 3-2.", "He won three to two."),
    ("pages 100-200", "pages one hundred to two hundred"),
]
SYMBOLS = [
    ("R&D", "R and D"),
    ("salt & pepper", "salt and pepper"),
    ("meet @ noon", "meet at noon"),
    ("ask @jane", "ask at jane"),
    ("#5", "number five"),
    ("#hashtag", "hashtag"),
    ("2 + 2 = 4", "two plus two equals four"),
    ("C++ and C#", "C plus plus and C sharp"),
    ("2 × 3", "two times three"),
    ("~5 minutes", "about five minutes"),
    ("3x faster", "three times faster"),
    ("1920x1080", "one thousand nine hundred twenty by one thousand eighty"),
    ("±2", "plus or minus two"),
    ("GPT-4", "G P T four"),
]
RATIOS = [
    ("16:9", "sixteen to nine"),
    ("John 3:16", "John three sixteen"),
]
UNCHANGED = [
    "The quick brown fox jumps over the lazy dog.",
    "Hello, world! How are you?",
    "It's a nice day; isn't it?",
    "She said: “yes”.",
    "Well... maybe",
    "A and I",
    "Stop.",
]

ROWS = (
    CARDINALS
    + ORDINALS
    + DECIMALS
    + NEGATIVES
    + MONEY
    + PERCENTAGES
    + DATES
    + TIMES
    + YEARS
    + PHONE_NUMBERS
    + UNITS
    + UNITS_NOT_READ
    + ABBREVIATIONS
    + ACRONYMS
    + URLS
    + VERSIONS
    + FRACTIONS
    + RANGES
    + SYMBOLS
    + RATIOS
)
UNCHANGED_ROWS = UNCHANGED + UNITS_UNCHANGED + ABBREVIATIONS_UNCHANGED + ACRONYMS_UNCHANGED


@pytest.mark.parametrize(("text", "expected"), ROWS)
def test_reading(text: str, expected: str) -> None:
    assert spoken(text) == expected


def ones(count: int) -> str:
    return " ".join(["one"] * count)


# Beyond fifteen digits no shape of number is read as a quantity: num2words gives absurd scale
# words there and overflows from 10**306 on, and Python refuses int() on more than 4300 digits.
LONG = "1" * 307
HUGE = "1" * 5000
LONG_NUMBERS = [
    ("plain, 16 digits", "1" * 16, ones(16)),
    (
        "ordinal, 15 digits",
        "1" * 15 + "th",
        "one hundred eleven trillion one hundred eleven billion one hundred eleven million one hundred eleven thousand"
        " one hundred eleventh",
    ),
    ("ordinal, 16 digits", "1" * 16 + "th", ones(15) + " first"),
    ("ordinal, separators", "1,234,567,890,123,452nd", nw.digits("123456789012345") + " second"),
    ("ordinal, 307 digits", LONG + "th", ones(306) + " first"),
    ("ordinal, 5000 digits", HUGE + "th", ones(4999) + " first"),
    ("fraction, 16 digits", "1" * 16 + "/4", ones(16) + " over four"),
    ("fraction, 307 digits", LONG + "/2", ones(307) + " over two"),
    ("fraction, long denominator", "1/" + HUGE, "one over " + ones(5000)),
    ("fraction, long numerator after a number", "5 " + HUGE + "/2", "five " + ones(5000) + " over two"),
    ("mixed fraction, 16 digits", "1" * 16 + " 3/4", ones(16) + " and three quarters"),
    ("mixed fraction, 307 digits", LONG + " 1/2", ones(307) + " and a half"),
    ("mixed fraction, 5000 digits", HUGE + " 1/2", ones(5000) + " and a half"),
    ("money, 307 digits", "$" + LONG, ones(307) + " dollars"),
    ("money, 5000 digits", "$" + HUGE + ".50", ones(5000) + " dollars and fifty cents"),
    ("money, scale word", "$" + LONG + "M", ones(307) + " million dollars"),
    ("cents", LONG + "¢", ones(307) + " cents"),
    ("percentage", LONG + "%", ones(307) + " percent"),
    ("unit", LONG + " kg", ones(307) + " kilograms"),
    ("decimal", "-" + LONG + ".5", "minus " + ones(307) + " point five"),
    ("range", "1-" + LONG, "one to " + ones(307)),
    ("ratio", LONG + ":2", ones(307) + " to two"),
    ("version", "v" + LONG, "version " + ones(307)),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=name) for name, t, e in LONG_NUMBERS])
def test_long_numbers_are_read_digit_by_digit(text: str, expected: str) -> None:
    assert spoken(text) == expected


def test_number_words_never_reach_num2words_past_the_guard() -> None:
    assert nw.cardinal(10**400) == "one " + " ".join(["zero"] * 400)
    assert nw.cardinal(-(10**20)) == "minus one " + " ".join(["zero"] * 20)
    assert nw.ordinal(10**400 + 2) == "one " + " ".join(["zero"] * 399) + " second"
    assert nw.fraction(10**400, 3) == "one " + " ".join(["zero"] * 400) + " thirds"


@pytest.mark.parametrize("text", UNCHANGED_ROWS)
def test_left_as_written(text: str) -> None:
    assert spoken(text) == " ".join(text.split())


def test_number_words_have_no_hyphens_and_no_british_and() -> None:
    for text in ("27", "2007", "123", "1,234,567", "$2,021.25"):
        words = spoken(text)
        assert "-" not in words
        assert " and " not in words.replace("dollars and", "")


# Each switch off: its class is left exactly as written, and no other rule reads part of it.
SWITCHES = [
    ("numbers", "42 and 1st and 3.14 and -5 and 1/2 and 10-20 in 1998"),
    ("money", "It costs $19.99 or €5 or £2.50 or $5M."),
    ("percentages", "45% or 3.5%"),
    ("dates", "2027-03-05 or March 5th, 2027 or 5/3/2027"),
    ("times", "3:30 pm or 10am or 14:45"),
    ("phone_numbers", "555-0199 or (555) 123-4567 or +1 555 123 4567"),
    ("units", "2.4 kg and 5km and 60 km/h and -3.5°C"),
    ("abbreviations", "Dr. Smith lives on Elm St. e.g. here"),
    ("acronyms", "The FBI and the USA and HTML"),
    ("urls", "https://example.com/docs and jane.doe@example.org"),
    ("versions", "Python 3.12 and v2.4.1"),
    ("symbols", "R&D @ #hashtag ~"),
]


@pytest.mark.parametrize(("switch", "text"), SWITCHES)
def test_switch_off_leaves_its_class_untouched(switch: str, text: str) -> None:
    off: dict[str, Any] = {switch: False}
    assert spoken(text, replace(DEFAULTS, **off)) == text


def test_switch_off_leaves_other_classes_on() -> None:
    assert spoken("$5 and 42", replace(DEFAULTS, money=False)) == "$5 and forty two"


def test_date_order_changes_numeric_dates() -> None:
    assert spoken("5/3/2027") == "May third, twenty twenty seven"
    dmy = replace(DEFAULTS, date_order="dmy")
    assert spoken("5/3/2027", dmy) == "the fifth of March, twenty twenty seven"
    # A date that can be read only one way is read that way whatever the order.
    assert spoken("25/12/2027") == "December twenty fifth, twenty twenty seven"
    assert spoken("12/25/2027", dmy) == "the twenty fifth of December, twenty twenty seven"


def test_origins_map_money_words_to_the_dollar_sign() -> None:
    text = "It costs $7.25 today."
    result = normalize_text(text, DEFAULTS, "en-us")
    assert result.text == "It costs seven dollars and twenty five cents today."
    assert len(result.origins) == len(result.text)
    dollar = text.index("$")
    start = result.text.index("seven")
    end = result.text.index(" today")
    assert set(result.origins[start:end]) == {dollar}
    # Unchanged characters keep their own positions.
    assert result.origins[: len("It costs ")] == tuple(range(len("It costs ")))
    assert result.origins[end:] == tuple(range(text.index(" today"), len(text)))
    assert result.replaced == (Replacement(dollar, dollar + len("$7.25"), "seven dollars and twenty five cents"),)


def test_origins_of_every_character_lie_inside_its_replacement() -> None:
    text = "Dr. Smith paid $5 on 2027-03-05 at 3:30 pm (FBI)."
    result = normalize_text(text, DEFAULTS, "en-us")
    assert_origins_point_back(text, result)


def test_protected_spans_are_untouched() -> None:
    text = "Pay $5 and $6 now"
    protected = [(text.index("$6"), text.index("$6") + 2)]
    result = normalize_text(text, DEFAULTS, "en-us", protected)
    assert result.text == "Pay five dollars and $6 now"
    assert all(r.end <= protected[0][0] or r.start >= protected[0][1] for r in result.replaced)


def test_protected_span_blocks_an_overlapping_match_entirely() -> None:
    text = "It costs $19.99 today"
    start = text.index("19")
    result = normalize_text(text, DEFAULTS, "en-us", [(start, start + 2)])
    assert "$19" in result.text


def test_inline_pronunciation_is_left_alone() -> None:
    text = "Say [Kokoro](/kˈOkəɹO/) 3 times"
    assert normalize_text(text, DEFAULTS, "en-us").text == "Say [Kokoro](/kˈOkəɹO/) three times"


@pytest.mark.parametrize(
    ("language", "said"),
    [("ja", "Dr. Smith paid 十九点九九ドル on 五/三/二千二十七"), ("zh", "Dr. Smith paid 19.99美元 on 5/3/2027")],
)
def test_chinese_and_japanese_get_the_markup_rules_and_read_only_their_own_figures(language: str, said: str) -> None:
    assert spoken("**Dr. Smith** paid $19.99 on 5/3/2027 👍", language=language) == said


def test_british_english_gets_the_english_rules() -> None:
    assert (
        spoken("It costs £2.50 for 2 kg", language="en-gb") == "It costs two pounds and fifty pence for two kilograms"
    )


def test_apply_replacements_separates_words_and_maps_origins() -> None:
    result = apply_replacements("MP3", [Replacement(0, 2, "M P"), Replacement(2, 3, "three")])
    assert result.text == "M P three"
    assert result.origins == (0, 0, 0, 2, 2, 2, 2, 2, 2)
    inserted = apply_replacements("a$5b", [Replacement(1, 3, "five dollars")])
    assert inserted.text == "a five dollars b"
    assert inserted.origins[1] == 1  # the space before takes the replacement's start
    assert inserted.origins[-2] == 3  # the space after takes the next input character's index


def test_apply_replacements_drops_empty_spans_without_spaces() -> None:
    result = apply_replacements("**bold**", [Replacement(0, 2, ""), Replacement(6, 8, "")])
    assert result.text == "bold"
    assert result.origins == (2, 3, 4, 5)


def test_apply_replacements_rejects_overlaps() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        apply_replacements("abcdef", [Replacement(0, 3, "x"), Replacement(2, 4, "y")])
    with pytest.raises(ValueError, match="outside"):
        apply_replacements("abc", [Replacement(2, 5, "x")])
