"""Words in capitals: spelled as letters ("FBI"), said as words ("NASA"), or shouting ("STOP")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize.english.common import spell, sub_hits, text_after, text_before, word_set
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

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
    before = _ALPHA_WORD.findall(text_before(text, start).rpartition("\n")[2])
    after = _ALPHA_WORD.findall(text_after(text, end).partition("\n")[0])
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


def find_acronyms(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ACRONYM, text, lambda m: _say_acronym(m, text))
