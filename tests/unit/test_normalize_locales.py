"""Normalization rules for Spanish, French, Italian, Brazilian Portuguese and Hindi, and SSML
say-as readings in every espeak-ng language (pure logic: no model, no server)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kokoro_speech.normalize import NormalizationOptions, normalize_text, say_as
from kokoro_speech.normalize.locales import locale_replacements
from tests.support.origins import assert_origins_point_back

DEFAULTS = NormalizationOptions()


def spoken(text: str, language: str, options: NormalizationOptions = DEFAULTS) -> str:
    return " ".join(normalize_text(text, options, language).text.split())


CARDINALS = [
    ("es", "42", "cuarenta y dos"),
    ("es", "1.234", "mil doscientos treinta y cuatro"),
    ("es", "Tengo 3 gatos.", "Tengo tres gatos."),
    ("es", "21", "veintiuno"),
    ("es", "1.000.000", "un millón"),
    ("es", "21.000.000", "veintiún millones"),
    ("es", "101.000", "ciento un mil"),
    ("es", "-7", "menos siete"),
    ("es", "Agente 007", "Agente cero cero siete"),
    ("fr-fr", "42", "quarante deux"),
    ("fr-fr", "71", "soixante et onze"),
    ("fr-fr", "80", "quatre vingts"),
    ("fr-fr", "91", "quatre vingt onze"),
    ("fr-fr", "1 234", "mille deux cent trente quatre"),
    ("fr-fr", "1\u202f234\u202f567", "un million deux cent trente quatre mille cinq cent soixante sept"),
    ("fr-fr", "1\u00a0000", "mille"),
    ("fr-fr", "-5", "moins cinq"),
    ("fr-fr", "J'ai 3 chats.", "J'ai trois chats."),
    ("it", "42", "quarantadue"),
    ("it", "1.234", "mille duecento trentaquattro"),
    ("it", "108", "cento otto"),
    ("it", "123456", "cento ventitré mila quattrocento cinquantasei"),
    ("it", "23.000", "ventitré mila"),
    ("it", "2.000.000", "due milioni"),
    ("it", "-3", "meno tre"),
    ("it", "Ho 3 gatti.", "Ho tre gatti."),
    ("pt-br", "42", "quarenta e dois"),
    ("pt-br", "1.234", "mil duzentos e trinta e quatro"),
    ("pt-br", "1.234.567", "um milhão duzentos e trinta e quatro mil quinhentos e sessenta e sete"),
    ("pt-br", "101", "cento e um"),
    ("pt-br", "100", "cem"),
    ("pt-br", "2027", "dois mil e vinte e sete"),
    ("pt-br", "-8", "menos oito"),
    ("pt-br", "Tenho 3 gatos.", "Tenho três gatos."),
    ("hi", "12", "बारह"),
    ("hi", "45", "पैंतालीस"),
    ("hi", "99", "निन्यानबे"),
    ("hi", "100", "एक सौ"),
    ("hi", "1,23,456", "एक लाख तेईस हज़ार चार सौ छप्पन"),
    ("hi", "1,00,00,000", "एक करोड़"),
    ("hi", "1,234,567", "बारह लाख चौंतीस हज़ार पाँच सौ सड़सठ"),
    ("hi", "१२३", "एक सौ तेईस"),
    ("hi", "-5", "माइनस पाँच"),
]
DECIMALS = [
    ("es", "3,5", "tres coma cinco"),
    ("es", "1.234,56", "mil doscientos treinta y cuatro coma cincuenta y seis"),
    ("es", "0,05", "cero coma cero cinco"),
    ("es", "3,14159", "tres coma uno cuatro uno cinco nueve"),
    ("es", "-2,5", "menos dos coma cinco"),
    ("es", "1.5", "uno punto cinco"),
    ("es", "0,25", "cero coma veinticinco"),
    ("es", "10,0", "diez coma cero"),
    ("fr-fr", "3,5", "trois virgule cinq"),
    ("fr-fr", "1 234,56", "mille deux cent trente quatre virgule cinquante six"),
    ("fr-fr", "0,05", "zéro virgule zéro cinq"),
    ("fr-fr", "3,14159", "trois virgule un quatre un cinq neuf"),
    ("fr-fr", "-2,5", "moins deux virgule cinq"),
    ("fr-fr", "1.5", "un point cinq"),
    ("fr-fr", "0,75", "zéro virgule soixante quinze"),
    ("fr-fr", "12,3", "douze virgule trois"),
    ("it", "3,5", "tre virgola cinque"),
    ("it", "1.234,56", "mille duecento trentaquattro virgola cinquantasei"),
    ("it", "0,05", "zero virgola zero cinque"),
    ("it", "3,14159", "tre virgola uno quattro uno cinque nove"),
    ("it", "-2,5", "meno due virgola cinque"),
    ("it", "1.5", "uno punto cinque"),
    ("it", "0,75", "zero virgola settantacinque"),
    ("it", "12,3", "dodici virgola tre"),
    ("pt-br", "3,5", "três vírgula cinco"),
    ("pt-br", "1.234,56", "mil duzentos e trinta e quatro vírgula cinquenta e seis"),
    ("pt-br", "0,05", "zero vírgula zero cinco"),
    ("pt-br", "3,14159", "três vírgula um quatro um cinco nove"),
    ("pt-br", "-2,5", "menos dois vírgula cinco"),
    ("pt-br", "1.5", "um ponto cinco"),
    ("pt-br", "0,75", "zero vírgula setenta e cinco"),
    ("pt-br", "12,3", "doze vírgula três"),
    ("hi", "3.5", "तीन दशमलव पाँच"),
    ("hi", "12.5", "बारह दशमलव पाँच"),
    ("hi", "3.14", "तीन दशमलव एक चार"),
    ("hi", "0.05", "शून्य दशमलव शून्य पाँच"),
    ("hi", "-2.5", "माइनस दो दशमलव पाँच"),
    ("hi", "1,23,456.78", "एक लाख तेईस हज़ार चार सौ छप्पन दशमलव सात आठ"),
    ("hi", "0.75", "शून्य दशमलव सात पाँच"),
    ("hi", "१२.५", "बारह दशमलव पाँच"),
]
MONEY = [
    ("es", "12,50 €", "doce euros con cincuenta céntimos"),
    ("es", "€5", "cinco euros"),
    ("es", "1 €", "un euro"),
    ("es", "21 €", "veintiún euros"),
    ("es", "1.000.000 €", "un millón de euros"),
    ("es", "0,50 €", "cincuenta céntimos"),
    ("es", "$1.250", "mil doscientos cincuenta dólares"),
    ("es", "£21", "veintiuna libras"),
    ("es", "200 £", "doscientas libras"),
    ("es", "-5 €", "menos cinco euros"),
    ("fr-fr", "12,50 €", "douze euros et cinquante centimes"),
    ("fr-fr", "1 €", "un euro"),
    ("fr-fr", "1 000 000 €", "un million d'euros"),
    ("fr-fr", "1\u202f234,56\u00a0€", "mille deux cent trente quatre euros et cinquante six centimes"),
    ("fr-fr", "0,01 €", "un centime"),
    ("fr-fr", "$5", "cinq dollars"),
    ("fr-fr", "£1", "une livre"),
    ("fr-fr", "21 £", "vingt et une livres"),
    ("it", "12,50 €", "dodici euro e cinquanta centesimi"),
    ("it", "1 €", "un euro"),
    ("it", "€ 2,01", "due euro e un centesimo"),
    ("it", "1.000.000 €", "un milione di euro"),
    ("it", "$5", "cinque dollari"),
    ("it", "£1", "una sterlina"),
    ("it", "£3", "tre sterline"),
    ("it", "0,20 €", "venti centesimi"),
    ("pt-br", "R$ 10,50", "dez reais e cinquenta centavos"),
    ("pt-br", "R$ 1,00", "um real"),
    ("pt-br", "R$1", "um real"),
    ("pt-br", "R$ 1.000.000", "um milhão de reais"),
    ("pt-br", "R$ 0,50", "cinquenta centavos"),
    ("pt-br", "US$ 20", "vinte dólares"),
    ("pt-br", "£2", "duas libras"),
    ("pt-br", "£ 202", "duzentas e duas libras"),
    ("pt-br", "5 €", "cinco euros"),
    ("hi", "₹50", "पचास रुपये"),
    ("hi", "₹1", "एक रुपया"),
    ("hi", "₹12.50", "बारह रुपये पचास पैसे"),
    ("hi", "₹1.01", "एक रुपया एक पैसा"),
    ("hi", "Rs. 500", "पाँच सौ रुपये"),
    ("hi", "₹1,23,456", "एक लाख तेईस हज़ार चार सौ छप्पन रुपये"),
    ("hi", "रु. 20", "बीस रुपये"),
    ("hi", "$5", "पाँच डॉलर"),
    ("hi", "₹0.50", "पचास पैसे"),
]
PERCENTAGES = [
    ("es", "45 %", "cuarenta y cinco por ciento"),
    ("es", "45%", "cuarenta y cinco por ciento"),
    ("es", "3,5 %", "tres coma cinco por ciento"),
    ("es", "100\u00a0%", "cien por ciento"),
    ("es", "-2 %", "menos dos por ciento"),
    ("es", "1 %", "uno por ciento"),
    ("es", "0,5%", "cero coma cinco por ciento"),
    ("es", "El 21 % votó", "El veintiuno por ciento votó"),
    ("fr-fr", "45 %", "quarante cinq pour cent"),
    ("fr-fr", "45\u202f%", "quarante cinq pour cent"),
    ("fr-fr", "3,5 %", "trois virgule cinq pour cent"),
    ("fr-fr", "100 %", "cent pour cent"),
    ("fr-fr", "-2 %", "moins deux pour cent"),
    ("fr-fr", "1 %", "un pour cent"),
    ("fr-fr", "0,5%", "zéro virgule cinq pour cent"),
    ("fr-fr", "80 %", "quatre vingts pour cent"),
    ("it", "45 %", "quarantacinque per cento"),
    ("it", "45%", "quarantacinque per cento"),
    ("it", "3,5 %", "tre virgola cinque per cento"),
    ("it", "100 %", "cento per cento"),
    ("it", "-2 %", "meno due per cento"),
    ("it", "1 %", "uno per cento"),
    ("it", "0,5%", "zero virgola cinque per cento"),
    ("it", "21%", "ventuno per cento"),
    ("pt-br", "45%", "quarenta e cinco por cento"),
    ("pt-br", "45 %", "quarenta e cinco por cento"),
    ("pt-br", "3,5%", "três vírgula cinco por cento"),
    ("pt-br", "100%", "cem por cento"),
    ("pt-br", "-2%", "menos dois por cento"),
    ("pt-br", "1%", "um por cento"),
    ("pt-br", "0,5%", "zero vírgula cinco por cento"),
    ("pt-br", "12%", "doze por cento"),
    ("hi", "50%", "पचास प्रतिशत"),
    ("hi", "50 %", "पचास प्रतिशत"),
    ("hi", "3.5%", "तीन दशमलव पाँच प्रतिशत"),
    ("hi", "100%", "एक सौ प्रतिशत"),
    ("hi", "-2%", "माइनस दो प्रतिशत"),
    ("hi", "1%", "एक प्रतिशत"),
    ("hi", "99%", "निन्यानबे प्रतिशत"),
    ("hi", "२५%", "पच्चीस प्रतिशत"),
]
DATES = [
    ("es", "05/03/2027", "cinco de marzo de dos mil veintisiete"),
    ("es", "2027-03-05", "cinco de marzo de dos mil veintisiete"),
    ("es", "5 de marzo de 2027", "cinco de marzo de dos mil veintisiete"),
    ("es", "1 de enero", "uno de enero"),
    ("es", "1.º de mayo", "primero de mayo"),
    ("es", "25/12/1999", "veinticinco de diciembre de mil novecientos noventa y nueve"),
    ("es", "marzo de 2027", "marzo de dos mil veintisiete"),
    ("es", "5.3.2027", "cinco de marzo de dos mil veintisiete"),
    ("es", "12/25/2027", "veinticinco de diciembre de dos mil veintisiete"),
    ("fr-fr", "05/03/2027", "cinq mars deux mille vingt sept"),
    ("fr-fr", "2027-03-05", "cinq mars deux mille vingt sept"),
    ("fr-fr", "le 1er janvier 2027", "le premier janvier deux mille vingt sept"),
    ("fr-fr", "1 janvier", "premier janvier"),
    ("fr-fr", "14 juillet 1789", "quatorze juillet mille sept cent quatre vingt neuf"),
    ("fr-fr", "21 mars", "vingt et un mars"),
    ("fr-fr", "mars 2027", "mars deux mille vingt sept"),
    ("fr-fr", "31/12/99", "trente et un décembre mille neuf cent quatre vingt dix neuf"),
    ("it", "05/03/2027", "cinque marzo due mila ventisette"),
    ("it", "2027-03-05", "cinque marzo due mila ventisette"),
    ("it", "1 marzo 2027", "primo marzo due mila ventisette"),
    ("it", "1° maggio", "primo maggio"),
    ("it", "25 dicembre", "venticinque dicembre"),
    ("it", "25/12/1999", "venticinque dicembre mille novecento novantanove"),
    ("it", "marzo 2027", "marzo due mila ventisette"),
    ("it", "5.3.2027", "cinque marzo due mila ventisette"),
    ("pt-br", "05/03/2027", "cinco de março de dois mil e vinte e sete"),
    ("pt-br", "2027-03-05", "cinco de março de dois mil e vinte e sete"),
    ("pt-br", "1º de maio de 2027", "primeiro de maio de dois mil e vinte e sete"),
    ("pt-br", "1 de janeiro", "primeiro de janeiro"),
    ("pt-br", "2 de fevereiro", "dois de fevereiro"),
    ("pt-br", "7 de setembro de 1822", "sete de setembro de mil oitocentos e vinte e dois"),
    ("pt-br", "março de 2027", "março de dois mil e vinte e sete"),
    ("pt-br", "25/12/99", "vinte e cinco de dezembro de mil novecentos e noventa e nove"),
    ("hi", "05/03/2027", "पाँच मार्च दो हज़ार सत्ताईस"),
    ("hi", "2027-03-05", "पाँच मार्च दो हज़ार सत्ताईस"),
    ("hi", "15 अगस्त 2027", "पंद्रह अगस्त दो हज़ार सत्ताईस"),
    ("hi", "15 अगस्त 1947", "पंद्रह अगस्त उन्नीस सौ सैंतालीस"),
    ("hi", "26 जनवरी", "छब्बीस जनवरी"),
    ("hi", "मार्च 1999", "मार्च उन्नीस सौ निन्यानबे"),
    ("hi", "1 मई 2000", "एक मई दो हज़ार"),
    ("hi", "31/12/1900", "इकतीस दिसंबर उन्नीस सौ"),
]
TIMES = [
    ("es", "14:30", "catorce y treinta"),
    ("es", "3:30 p. m.", "tres y media de la tarde."),
    ("es", "9:05", "nueve y cinco"),
    ("es", "a las 14:00 h", "a las catorce horas"),
    ("es", "10:15 a. m. hoy", "diez y cuarto de la mañana hoy"),
    ("es", "1:00", "una en punto"),
    ("es", "21:45", "veintiuna y cuarenta y cinco"),
    ("es", "9 p.m.", "nueve en punto de la noche."),
    ("es", "12:00 p. m., dijo", "doce en punto del mediodía, dijo"),
    ("es", "A las 14:30 h. Luego", "A las catorce y treinta. Luego"),
    ("es", "Llegó a las 3 p. m. Luego", "Llegó a las tres en punto de la tarde. Luego"),
    ("fr-fr", "15h30", "quinze heures trente"),
    ("fr-fr", "15 h 30", "quinze heures trente"),
    ("fr-fr", "15h", "quinze heures"),
    ("fr-fr", "1h", "une heure"),
    ("fr-fr", "21h01", "vingt et une heures une"),
    ("fr-fr", "14:30", "quatorze heures trente"),
    ("fr-fr", "0h15", "zéro heure quinze"),
    ("fr-fr", "à 8 h", "à huit heures"),
    ("it", "14:30", "quattordici e trenta"),
    ("it", "alle 14.30", "alle quattordici e trenta"),
    ("it", "ore 9.05", "ore nove e cinque"),
    ("it", "1:00", "una"),
    ("it", "21:15", "ventuno e quindici"),
    ("it", "8:00", "otto"),
    ("it", "dalle 9.00 alle 18.00", "dalle nove alle diciotto"),
    ("it", "23:59", "ventitré e cinquantanove"),
    ("pt-br", "14:30", "catorze e trinta"),
    ("pt-br", "14h30", "catorze e trinta"),
    ("pt-br", "14h", "catorze horas"),
    ("pt-br", "1h", "uma hora"),
    ("pt-br", "2h", "duas horas"),
    ("pt-br", "21:00", "vinte e uma horas"),
    ("pt-br", "22h15", "vinte e duas e quinze"),
    ("pt-br", "9:05", "nove e cinco"),
    ("hi", "10:30", "दस बजकर तीस मिनट"),
    ("hi", "10:00", "दस बजे"),
    ("hi", "10:30 बजे", "दस बजकर तीस मिनट"),
    ("hi", "10:30 PM", "रात दस बजकर तीस मिनट"),
    ("hi", "7:15 AM", "सुबह सात बजकर पंद्रह मिनट"),
    ("hi", "14:45", "चौदह बजकर पैंतालीस मिनट"),
    ("hi", "1:05", "एक बजकर पाँच मिनट"),
    ("hi", "5 PM", "शाम पाँच बजे"),
]
PHONES = [
    ("es", "612 34 56 78", "seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho"),
    (
        "es",
        "+34 612 34 56 78",
        "más treinta y cuatro, seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho",
    ),
    ("es", "91 123 45 67", "noventa y uno, uno dos tres, cuarenta y cinco, sesenta y siete"),
    ("es", "900 100 200", "nueve cero cero, uno cero cero, dos cero cero"),
    ("es", "612-34-56-78", "seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho"),
    ("es", "93 01 02 03", "noventa y tres, cero uno, cero dos, cero tres"),
    ("es", "+34612345678", "más tres cuatro seis uno dos tres cuatro cinco seis siete ocho"),
    ("es", "Llama al 612 34 56 78.", "Llama al seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho."),
    ("fr-fr", "06 12 34 56 78", "zéro six, douze, trente quatre, cinquante six, soixante dix huit"),
    ("fr-fr", "+33 6 12 34 56 78", "plus trente trois, six, douze, trente quatre, cinquante six, soixante dix huit"),
    ("fr-fr", "01.23.45.67.89", "zéro un, vingt trois, quarante cinq, soixante sept, quatre vingt neuf"),
    ("fr-fr", "01-23-45-67-89", "zéro un, vingt trois, quarante cinq, soixante sept, quatre vingt neuf"),
    ("fr-fr", "01 45 67 89 10", "zéro un, quarante cinq, soixante sept, quatre vingt neuf, dix"),
    ("fr-fr", "04 00 00 00 00", "zéro quatre, zéro zéro, zéro zéro, zéro zéro, zéro zéro"),
    (
        "fr-fr",
        "+33 1 71 80 91 00",
        "plus trente trois, un, soixante et onze, quatre vingts, quatre vingt onze, zéro zéro",
    ),
    (
        "fr-fr",
        "Appelez le 06 12 34 56 78.",
        "Appelez le zéro six, douze, trente quatre, cinquante six, soixante dix huit.",
    ),
    ("it", "333 123 4567", "tre tre tre, uno due tre, quattro cinque sei sette"),
    ("it", "+39 06 1234 5678", "più trentanove, zero sei, uno due tre quattro, cinque sei sette otto"),
    ("it", "02 1234 5678", "zero due, uno due tre quattro, cinque sei sette otto"),
    ("it", "06-1234-5678", "zero sei, uno due tre quattro, cinque sei sette otto"),
    ("it", "347.123.4567", "tre quattro sette, uno due tre, quattro cinque sei sette"),
    ("it", "800 123 456", "otto zero zero, uno due tre, quattro cinque sei"),
    ("it", "+393331234567", "più tre nove tre tre tre uno due tre quattro cinque sei sette"),
    ("it", "Chiama il 333 123 4567.", "Chiama il tre tre tre, uno due tre, quattro cinque sei sette."),
    ("pt-br", "(11) 91234-5678", "um um, nove um dois três quatro, cinco meia sete oito"),
    ("pt-br", "+55 11 91234-5678", "mais cinquenta e cinco, um um, nove um dois três quatro, cinco meia sete oito"),
    ("pt-br", "11 3456-7890", "um um, três quatro cinco meia, sete oito nove zero"),
    ("pt-br", "0800 123 4567", "zero oito zero zero, um dois três, quatro cinco meia sete"),
    ("pt-br", "(21) 2345-6789", "dois um, dois três quatro cinco, meia sete oito nove"),
    ("pt-br", "91234-5678", "nove um dois três quatro, cinco meia sete oito"),
    ("pt-br", "+5511912345678", "mais cinco cinco um um nove um dois três quatro cinco meia sete oito"),
    ("pt-br", "Ligue (11) 91234-5678.", "Ligue um um, nove um dois três quatro, cinco meia sete oito."),
    ("hi", "+91 98765 43210", "प्लस नौ एक, नौ आठ सात छह पाँच, चार तीन दो एक शून्य"),
    ("hi", "98765 43210", "नौ आठ सात छह पाँच, चार तीन दो एक शून्य"),
    ("hi", "98765-43210", "नौ आठ सात छह पाँच, चार तीन दो एक शून्य"),
    ("hi", "011 2345 6789", "शून्य एक एक, दो तीन चार पाँच, छह सात आठ नौ"),
    ("hi", "1800 123 4567", "एक आठ शून्य शून्य, एक दो तीन, चार पाँच छह सात"),
    ("hi", "+919876543210", "प्लस नौ एक नौ आठ सात छह पाँच चार तीन दो एक शून्य"),
    ("hi", "022 1234 5678", "शून्य दो दो, एक दो तीन चार, पाँच छह सात आठ"),
    ("hi", "080-2345-6789", "शून्य आठ शून्य, दो तीन चार पाँच, छह सात आठ नौ"),
]
UNITS = [
    ("es", "5 km", "cinco kilómetros"),
    ("es", "1 km", "un kilómetro"),
    ("es", "2,5 kg", "dos coma cinco kilogramos"),
    ("es", "1 t", "una tonelada"),
    ("es", "21 t", "veintiuna toneladas"),
    ("es", "-3 °C", "menos tres grados Celsius"),
    ("es", "120 km/h", "ciento veinte kilómetros por hora"),
    ("es", "500 ml", "quinientos mililitros"),
    ("es", "16 GB", "dieciséis gigabytes"),
    ("es", "3 h", "tres horas"),
    ("fr-fr", "5 km", "cinq kilomètres"),
    ("fr-fr", "1 km", "un kilomètre"),
    ("fr-fr", "1,5 km", "un virgule cinq kilomètre"),
    ("fr-fr", "2,5 kg", "deux virgule cinq kilogrammes"),
    ("fr-fr", "1 min", "une minute"),
    ("fr-fr", "21 s", "vingt et une secondes"),
    ("fr-fr", "-3 °C", "moins trois degrés Celsius"),
    ("fr-fr", "130 km/h", "cent trente kilomètres heure"),
    ("fr-fr", "16 Go", "seize gigaoctets"),
    ("it", "5 km", "cinque chilometri"),
    ("it", "1 km", "un chilometro"),
    ("it", "2,5 kg", "due virgola cinque chilogrammi"),
    ("it", "1 t", "una tonnellata"),
    ("it", "-3 °C", "meno tre gradi Celsius"),
    ("it", "130 km/h", "cento trenta chilometri orari"),
    ("it", "500 ml", "cinquecento millilitri"),
    ("it", "16 GB", "sedici gigabyte"),
    ("it", "10 min", "dieci minuti"),
    ("pt-br", "5 km", "cinco quilômetros"),
    ("pt-br", "1 km", "um quilômetro"),
    ("pt-br", "2,5 kg", "dois vírgula cinco quilos"),
    ("pt-br", "2 t", "duas toneladas"),
    ("pt-br", "200 g", "duzentos gramas"),
    ("pt-br", "-3 °C", "menos três graus Celsius"),
    ("pt-br", "80 km/h", "oitenta quilômetros por hora"),
    ("pt-br", "16 GB", "dezesseis gigabytes"),
    ("pt-br", "1 l", "um litro"),
    ("hi", "5 km", "पाँच किलोमीटर"),
    ("hi", "1 km", "एक किलोमीटर"),
    ("hi", "2.5 kg", "दो दशमलव पाँच किलोग्राम"),
    ("hi", "-3 °C", "माइनस तीन डिग्री सेल्सियस"),
    ("hi", "80 km/h", "अस्सी किलोमीटर प्रति घंटा"),
    ("hi", "500 ml", "पाँच सौ मिलीलीटर"),
    ("hi", "16 GB", "सोलह जीबी"),
    ("hi", "10 कि.मी.", "दस किलोमीटर"),
]
ABBREVIATIONS = [
    ("es", "Sr. García", "señor García"),
    ("es", "Sra. López", "señora López"),
    ("es", "Srta. Ruiz", "señorita Ruiz"),
    ("es", "Dr. Pérez", "doctor Pérez"),
    ("es", "Dra. Gómez", "doctora Gómez"),
    ("es", "¿Cómo está Ud.?", "¿Cómo está usted?"),
    ("es", "Uds. saben", "ustedes saben"),
    ("es", "frutas, etc.", "frutas, etcétera."),
    ("es", "p. ej. esto", "por ejemplo esto"),
    ("es", "núm. 5", "número cinco"),
    ("es", "nº 7", "número siete"),
    ("fr-fr", "M. Dupont", "Monsieur Dupont"),
    ("fr-fr", "Mme Curie", "Madame Curie"),
    ("fr-fr", "Mlle Dubois", "Mademoiselle Dubois"),
    ("fr-fr", "Dr Martin", "docteur Martin"),
    ("fr-fr", "St-Étienne", "Saint-Étienne"),
    ("fr-fr", "des fruits, etc.", "des fruits, et cetera."),
    ("fr-fr", "p. ex. ceci", "par exemple ceci"),
    ("fr-fr", "n° 5", "numéro cinq"),
    ("fr-fr", "c.-à-d. demain", "c'est-à-dire demain"),
    ("it", "Sig. Rossi", "signor Rossi"),
    ("it", "Sig.ra Rossi", "signora Rossi"),
    ("it", "Dott. Bianchi", "dottor Bianchi"),
    ("it", "Dott.ssa Bianchi", "dottoressa Bianchi"),
    ("it", "Prof. Verdi", "professor Verdi"),
    ("it", "Avv. Neri", "avvocato Neri"),
    ("it", "mele, pere ecc.", "mele, pere eccetera."),
    ("it", "n. 5", "numero cinque"),
    ("it", "ad es. questo", "ad esempio questo"),
    ("pt-br", "Sr. Silva", "senhor Silva"),
    ("pt-br", "Sra. Souza", "senhora Souza"),
    ("pt-br", "Dr. Lima", "doutor Lima"),
    ("pt-br", "Dra. Costa", "doutora Costa"),
    ("pt-br", "Prof. Alves", "professor Alves"),
    ("pt-br", "V.Sa. pediu", "Vossa Senhoria pediu"),
    ("pt-br", "V. Exa. disse", "Vossa Excelência disse"),
    ("pt-br", "frutas etc.", "frutas et cetera."),
    ("pt-br", "nº 5", "número cinco"),
    ("pt-br", "p. ex. isto", "por exemplo isto"),
    ("hi", "डॉ. शर्मा", "डॉक्टर शर्मा"),
    ("hi", "प्रो. वर्मा", "प्रोफ़ेसर वर्मा"),
    ("hi", "कु. सीमा", "कुमारी सीमा"),
    ("hi", "मि. गुप्ता", "मिस्टर गुप्ता"),
    ("hi", "स्व. राम", "स्वर्गीय राम"),
    ("hi", "पं. नेहरू", "पंडित नेहरू"),
    ("hi", "नं. 5", "नंबर पाँच"),
    ("hi", "Dr. शर्मा", "डॉक्टर शर्मा"),
    ("hi", "500 ई.पू. में", "पाँच सौ ईसा पूर्व में"),
]
ORDINALS = [
    ("es", "1º", "primero"),
    ("es", "2ª", "segunda"),
    ("es", "1.º", "primero"),
    ("es", "3.ª", "tercera"),
    ("es", "el 1.er piso", "el primer piso"),
    ("es", "3er", "tercer"),
    ("es", "10º", "décimo"),
    ("es", "21º", "vigésimo primero"),
    ("es", "11º", "décimo primero"),
    ("fr-fr", "1er", "premier"),
    ("fr-fr", "1re", "première"),
    ("fr-fr", "1ère", "première"),
    ("fr-fr", "2e", "deuxième"),
    ("fr-fr", "3ème", "troisième"),
    ("fr-fr", "2nd", "second"),
    ("fr-fr", "2nde", "seconde"),
    ("fr-fr", "21e", "vingt et unième"),
    ("fr-fr", "80e", "quatre vingtième"),
    ("it", "1°", "primo"),
    ("it", "1º", "primo"),
    ("it", "2ª", "seconda"),
    ("it", "3º", "terzo"),
    ("it", "11°", "undicesimo"),
    ("it", "23ª", "ventitreesima"),
    ("it", "100°", "centesimo"),
    ("it", "il 2° posto", "il secondo posto"),
    ("pt-br", "1º", "primeiro"),
    ("pt-br", "2ª", "segunda"),
    ("pt-br", "1.º", "primeiro"),
    ("pt-br", "3.ª", "terceira"),
    ("pt-br", "10º", "décimo"),
    ("pt-br", "21º", "vigésimo primeiro"),
    ("pt-br", "21ª", "vigésima primeira"),
    ("pt-br", "o 2º lugar", "o segundo lugar"),
    ("hi", "1ला", "पहला"),
    ("hi", "1ली", "पहली"),
    ("hi", "2रा", "दूसरा"),
    ("hi", "2री", "दूसरी"),
    ("hi", "3रा", "तीसरा"),
    ("hi", "4था", "चौथा"),
    ("hi", "6ठा", "छठा"),
    ("hi", "5वां", "पाँचवाँ"),
    ("hi", "5वीं", "पाँचवीं"),
    ("hi", "10वें", "दसवें"),
]
CLASSES = {
    "cardinals": CARDINALS,
    "decimals": DECIMALS,
    "money": MONEY,
    "percentages": PERCENTAGES,
    "dates": DATES,
    "times": TIMES,
    "phones": PHONES,
    "units": UNITS,
    "abbreviations": ABBREVIATIONS,
    "ordinals": ORDINALS,
}
LANGUAGES = ("es", "fr-fr", "it", "pt-br", "hi")
ROWS = [
    pytest.param(language, written, expected, id=f"{name}-{language}-{written}")
    for name, rows in CLASSES.items()
    for language, written, expected in rows
]


@pytest.mark.parametrize(("language", "written", "expected"), ROWS)
def test_reading(language: str, written: str, expected: str) -> None:
    assert spoken(written, language) == expected


@pytest.mark.parametrize("name", CLASSES)
def test_every_language_has_at_least_eight_rows_per_class(name: str) -> None:
    for language in LANGUAGES:
        assert sum(row[0] == language for row in CLASSES[name]) >= 8, (name, language)


def test_readings_are_plain_words() -> None:
    """No hyphen or comma inside a reading: each would be a pause or a misreading. Phone numbers
    pause between their groups on purpose, and "c'est-à-dire" is written with its hyphens."""
    for name, rows in CLASSES.items():
        if name in ("phones", "abbreviations"):
            continue
        for _language, written, expected in rows:
            assert "-" not in expected, expected
            assert "," not in expected.replace(",", "", written.count(",")), expected


UNCHANGED = [
    ("es", "Hola, ¿cómo estás? Bien, gracias."),
    ("fr-fr", "Bonjour, comment allez-vous ?"),
    ("it", "Ciao, come stai? Bene, grazie."),
    ("pt-br", "Olá, tudo bem? Tudo ótimo."),
    ("hi", "नमस्ते, आप कैसे हैं?"),
    ("es", "La señora García vive en Madrid."),
    ("fr-fr", "Le docteur arrive demain."),
]


@pytest.mark.parametrize(("language", "text"), UNCHANGED)
def test_text_without_numbers_is_untouched(language: str, text: str) -> None:
    assert normalize_text(text, DEFAULTS, language).text == text
    assert locale_replacements(text, DEFAULTS, language) == []


# Each switch off: its class is left exactly as written, and no other rule reads part of it.
SWITCHES = [
    ("numbers", "es", "Tengo 42 gatos y 3,5 kilos, el 1º"),
    ("money", "es", "Cuesta 12,50 € o $5 o £21."),
    ("money", "pt-br", "Custa R$ 10,50 hoje."),
    ("percentages", "fr-fr", "45 % ou 3,5 %"),
    ("dates", "it", "05/03/2027 o 1 marzo 2027 o 2027-03-05"),
    ("times", "fr-fr", "à 15h30 ou 14:45"),
    ("times", "hi", "10:30 बजे"),
    ("phone_numbers", "fr-fr", "06 12 34 56 78"),
    ("units", "pt-br", "5 km e 2,5 kg e 80 km/h"),
    ("abbreviations", "es", "Sr. García y la Dra. López, etc."),
]


@pytest.mark.parametrize(("switch", "language", "text"), SWITCHES)
def test_switch_off_leaves_its_class_as_written(switch: str, language: str, text: str) -> None:
    off: dict[str, Any] = {switch: False}
    assert spoken(text, language, replace(DEFAULTS, **off)) == text


def test_switch_off_leaves_other_classes_on() -> None:
    assert spoken("12,50 € y 42", "es", replace(DEFAULTS, money=False)) == "12,50 € y cuarenta y dos"


def test_origins_map_spoken_words_to_the_written_token() -> None:
    text = "Cuesta 12,50 € hoy."
    result = normalize_text(text, DEFAULTS, "es")
    assert result.text == "Cuesta doce euros con cincuenta céntimos hoy."
    assert len(result.origins) == len(result.text)
    amount = text.index("12,50")
    start, end = result.text.index("doce"), result.text.index(" hoy")
    assert set(result.origins[start:end]) == {amount}
    assert result.origins[: len("Cuesta ")] == tuple(range(len("Cuesta ")))
    assert result.origins[end:] == tuple(range(text.index(" hoy"), len(text)))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr-fr", "M. Dupont paie 12,50 € le 1er janvier à 15h30."),
        ("hi", "डॉ. शर्मा ने ₹12.50 दिए, 10:30 बजे, 15 अगस्त 1947 को।"),
        ("pt-br", "Dr. Lima pagou R$ 10,50 às 14h30 no dia 05/03/2027."),
    ],
)
def test_origins_of_every_character_lie_inside_its_replacement(language: str, text: str) -> None:
    result = normalize_text(text, DEFAULTS, language)
    assert_origins_point_back(text, result)


def test_english_words_in_a_spanish_sentence_are_left_to_spanish_rules() -> None:
    text = "Compré un iPhone en la tienda de Apple por 999 €"
    assert spoken(text, "es") == "Compré un iPhone en la tienda de Apple por novecientos noventa y nueve euros"


def test_languages_without_a_table_get_no_locale_rules() -> None:
    assert locale_replacements("Costs 5 €", DEFAULTS, "ja") == []
    assert spoken("**5 €** 👍", "ja") == "五 €", "Japanese reads its figures by its own rules"


def test_long_numbers_are_read_digit_by_digit() -> None:
    assert spoken("1" * 16, "es") == " ".join(["uno"] * 16)
    assert spoken("1" * 400 + " €", "fr-fr") == " ".join(["un"] * 400) + " euros"


SAY_AS = [
    # characters / spell-out
    ("en-us", "characters", "AB1", "", "eh B one"),
    ("en-gb", "spell-out", "ok2", "", "O K two"),
    ("es", "characters", "AB1", "", "A B uno"),
    ("fr-fr", "spell-out", "ab1", "", "A B un"),
    ("it", "characters", "XY9", "", "X Y nove"),
    ("pt-br", "characters", "A2", "", "A dois"),
    ("hi", "characters", "A2", "", "A दो"),
    # cardinal
    ("en-us", "cardinal", "1,234", "", "one thousand two hundred thirty four"),
    ("en-gb", "cardinal", "42", "", "forty two"),
    ("es", "cardinal", "1.234,5", "", "mil doscientos treinta y cuatro coma cinco"),
    ("fr-fr", "cardinal", "1 234", "", "mille deux cent trente quatre"),
    ("it", "cardinal", "42", "", "quarantadue"),
    ("pt-br", "cardinal", "1.234", "", "mil duzentos e trinta e quatro"),
    ("hi", "cardinal", "1,23,456", "", "एक लाख तेईस हज़ार चार सौ छप्पन"),
    # ordinal
    ("en-us", "ordinal", "22", "", "twenty second"),
    ("en-gb", "ordinal", "3rd", "", "third"),
    ("es", "ordinal", "2ª", "", "segunda"),
    ("es", "ordinal", "3", "", "tercero"),
    ("fr-fr", "ordinal", "1re", "", "première"),
    ("fr-fr", "ordinal", "2", "", "deuxième"),
    ("it", "ordinal", "3", "", "terzo"),
    ("pt-br", "ordinal", "2ª", "", "segunda"),
    ("hi", "ordinal", "5", "", "पाँचवाँ"),
    # digits
    ("en-us", "digits", "123", "", "one two three"),
    ("es", "digits", "123", "", "uno dos tres"),
    ("fr-fr", "digits", "0612", "", "zéro six un deux"),
    ("it", "digits", "123", "", "uno due tre"),
    ("pt-br", "digits", "123", "", "um dois três"),
    ("hi", "digits", "123", "", "एक दो तीन"),
    # date
    ("en-us", "date", "3/5/2027", "", "March fifth, twenty twenty seven"),
    ("en-gb", "date", "5/3/2027", "", "the fifth of March, twenty twenty seven"),
    ("en-us", "date", "2027-03-05", "ymd", "March fifth, twenty twenty seven"),
    ("en-us", "date", "2027", "y", "twenty twenty seven"),
    ("es", "date", "05/03/2027", "", "cinco de marzo de dos mil veintisiete"),
    ("es", "date", "03/05/2027", "mdy", "cinco de marzo de dos mil veintisiete"),
    ("es", "date", "3/2027", "my", "marzo de dos mil veintisiete"),
    ("fr-fr", "date", "01/01", "dm", "premier janvier"),
    ("fr-fr", "date", "2027-03-05", "", "cinq mars deux mille vingt sept"),
    ("it", "date", "05/03/2027", "dmy", "cinque marzo due mila ventisette"),
    ("pt-br", "date", "1999", "y", "mil novecentos e noventa e nove"),
    ("pt-br", "date", "05/03", "dm", "cinco de março"),
    ("hi", "date", "1947", "y", "उन्नीस सौ सैंतालीस"),
    ("hi", "date", "15/08/1947", "", "पंद्रह अगस्त उन्नीस सौ सैंतालीस"),
    # time
    ("en-us", "time", "3:30 pm", "", "three thirty P M"),
    ("en-gb", "time", "14:00", "", "fourteen hundred"),
    ("es", "time", "14:30", "", "catorce y treinta"),
    ("es", "time", "3:30 p. m.", "", "tres y media de la tarde"),
    ("fr-fr", "time", "15h30", "", "quinze heures trente"),
    ("it", "time", "14.30", "", "quattordici e trenta"),
    ("pt-br", "time", "14h", "", "catorze horas"),
    ("hi", "time", "10:30", "", "दस बजकर तीस मिनट"),
    # telephone
    ("en-us", "telephone", "+1 555 123 4567", "", "plus one, five five five, one two three, four five six seven"),
    ("es", "telephone", "612 34 56 78", "", "seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho"),
    ("fr-fr", "telephone", "06 12", "", "zéro six, douze"),
    ("it", "telephone", "06 1234", "", "zero sei, uno due tre quattro"),
    ("pt-br", "telephone", "1234-5678", "", "um dois três quatro, cinco meia sete oito"),
    ("hi", "telephone", "98765 43210", "", "नौ आठ सात छह पाँच, चार तीन दो एक शून्य"),
]


@pytest.mark.parametrize(("language", "interpret_as", "text", "detail", "expected"), SAY_AS)
def test_say_as(language: str, interpret_as: str, text: str, detail: str, expected: str) -> None:
    assert say_as(text, interpret_as, language, detail) == expected


@pytest.mark.parametrize(
    ("language", "interpret_as", "text", "detail"),
    [
        ("es", "alias", "OMS", ""),
        ("es", "unknown-class", "5", ""),
        ("es", "cardinal", "cinco", ""),
        ("fr-fr", "date", "31/02/2027", ""),
        ("it", "time", "25:00", ""),
        ("pt-br", "ordinal", "abc", ""),
        ("en-us", "cardinal", "many", ""),
        ("en-us", "date", "5/3", "dmy"),
        ("hi", "digits", "कोई नहीं", ""),
        ("ja", "cardinal", "5", ""),
        ("zh", "digits", "123", ""),
        ("xx", "cardinal", "5", ""),
    ],
)
def test_say_as_gives_none_where_it_cannot_read(language: str, interpret_as: str, text: str, detail: str) -> None:
    assert say_as(text, interpret_as, language, detail) is None
