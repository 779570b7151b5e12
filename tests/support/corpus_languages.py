"""Sentences of the kinds real input is full of, by class, for Spanish, French, Italian, Brazilian Portuguese
and Hindi: the intelligibility checks of the server's other espeak-ng languages.

Each row is (class, input, references), as in the English corpus. A reference is what a careful listener of
that language writes down on hearing a careful reader: Whisper's basic normalizer, applied to it and to what
was heard, turns punctuation and symbols into spaces and keeps accents, so "1.234.567", "1 234 567" and
"1,234,567" compare equal, as do "12,50 €" and "12.50", but figures and words do not ("45 %" is not
"cuarenta y cinco por ciento"). Where careful listeners write a figure one way or another, a row gives every
such way and the closest one is scored: the figures as that language's style guides write them (Spanish
"45 %", French "15 h 30" and "15h30", Italian "14.30", Brazilian "R$ 10,50" and "14h30", Hindi "₹250" and
"12,34,567" in lakhs), the figures with their unit in words ("12,50 euros"), the figures with the words said
between them ("12 euros con 50 céntimos", "14 y 30"), and everything in words. Each alternative is a form a
style guide uses, never a transcript.

The classes are the same in every language: plain sentences, which nothing in the server rewrites, and the
number-heavy ones, where the input's written form and what is said part ways.
"""

from __future__ import annotations

from tests.support.corpus import References

Row = tuple[str, str, References]

SPANISH: tuple[Row, ...] = (
    ("plain", "El perro corre por el parque todas las mañanas.", "El perro corre por el parque todas las mañanas."),
    (
        "plain",
        "Mi hermana vive en una casa pequeña cerca del río.",
        "Mi hermana vive en una casa pequeña cerca del río.",
    ),
    ("plain", "Por favor, cierra la ventana antes de salir.", "Por favor, cierra la ventana antes de salir."),
    (
        "plain",
        "Los niños juegan en la plaza hasta que anochece.",
        "Los niños juegan en la plaza hasta que anochece.",
    ),
    (
        "cardinals",
        "La ciudad tiene 1.234.567 habitantes.",
        (
            "La ciudad tiene 1.234.567 habitantes.",
            "La ciudad tiene un millón doscientos treinta y cuatro mil quinientos sesenta y siete habitantes.",
        ),
    ),
    (
        "cardinals",
        "El estadio tiene capacidad para 68 500 personas.",
        (
            "El estadio tiene capacidad para 68 500 personas.",
            "El estadio tiene capacidad para sesenta y ocho mil quinientas personas.",
        ),
    ),
    (
        "decimals",
        "El valor de pi es aproximadamente 3,14.",
        ("El valor de pi es aproximadamente 3,14.", "El valor de pi es aproximadamente tres coma catorce."),
    ),
    (
        "decimals",
        "La nota media de la clase fue 7,5.",
        ("La nota media de la clase fue 7,5.", "La nota media de la clase fue siete coma cinco."),
    ),
    (
        "money",
        "La entrada cuesta 12,50 €.",
        (
            "La entrada cuesta 12,50 €.",
            "La entrada cuesta 12,50 euros.",
            "La entrada cuesta 12 euros con 50 céntimos.",
            "La entrada cuesta doce euros con cincuenta céntimos.",
            "La entrada cuesta doce euros con cincuenta.",
        ),
    ),
    (
        "money",
        "El libro cuesta $25 en Estados Unidos.",
        (
            "El libro cuesta $25 en Estados Unidos.",
            "El libro cuesta 25 dólares en Estados Unidos.",
            "El libro cuesta veinticinco dólares en Estados Unidos.",
        ),
    ),
    (
        "percentages",
        "Las ventas crecieron un 45 % el año pasado.",
        (
            "Las ventas crecieron un 45 % el año pasado.",
            "Las ventas crecieron un 45 por ciento el año pasado.",
            "Las ventas crecieron un cuarenta y cinco por ciento el año pasado.",
        ),
    ),
    (
        "percentages",
        "El préstamo tiene un interés del 3,5 %.",
        (
            "El préstamo tiene un interés del 3,5 %.",
            "El préstamo tiene un interés del 3,5 por ciento.",
            "El préstamo tiene un interés del tres coma cinco por ciento.",
        ),
    ),
    (
        "dates",
        "La reunión es el 05/03/2027 en la sala principal.",
        (
            "La reunión es el 5 de marzo de 2027 en la sala principal.",
            "La reunión es el cinco de marzo de dos mil veintisiete en la sala principal.",
        ),
    ),
    (
        "dates",
        "Nació el 12 de octubre de 1990.",
        ("Nació el 12 de octubre de 1990.", "Nació el doce de octubre de mil novecientos noventa."),
    ),
    (
        "times",
        "El tren sale a las 14:30.",
        (
            "El tren sale a las 14:30.",
            "El tren sale a las 14 y 30.",
            "El tren sale a las catorce treinta.",
            "El tren sale a las catorce y treinta.",
        ),
    ),
    (
        "times",
        "La cita es a las 3:30 p. m.",
        (
            "La cita es a las 3:30 p. m.",
            "La cita es a las 3:30 de la tarde.",
            "La cita es a las 3 y media de la tarde.",
            "La cita es a las tres y media de la tarde.",
            "La cita es a las tres treinta de la tarde.",
            "La cita es a las tres y media p. m.",
        ),
    ),
    (
        "phone numbers",
        "Llámame al 912 345 678 por la tarde.",
        (
            "Llámame al 912 345 678 por la tarde.",
            "Llámame al 91 234 56 78 por la tarde.",
            "Llámame al nueve uno dos tres cuatro cinco seis siete ocho por la tarde.",
            "Llámame al novecientos doce trescientos cuarenta y cinco seiscientos setenta y ocho por la tarde.",
        ),
    ),
    (
        "phone numbers",
        "Mi móvil es el 600 123 456.",
        (
            "Mi móvil es el 600 123 456.",
            "Mi móvil es el 600 12 34 56.",
            "Mi móvil es el seis cero cero uno dos tres cuatro cinco seis.",
            "Mi móvil es el seiscientos ciento veintitrés cuatrocientos cincuenta y seis.",
        ),
    ),
    (
        "units",
        "El paquete pesa 2,5 kg.",
        (
            "El paquete pesa 2,5 kg.",
            "El paquete pesa 2,5 kilos.",
            "El paquete pesa 2,5 kilogramos.",
            "El paquete pesa dos coma cinco kilos.",
            "El paquete pesa dos coma cinco kilogramos.",
            "El paquete pesa dos kilos y medio.",
        ),
    ),
    (
        "units",
        "Ayer hizo 30 °C y el viento soplaba a 40 km/h.",
        (
            "Ayer hizo 30 °C y el viento soplaba a 40 km/h.",
            "Ayer hizo 30 grados y el viento soplaba a 40 kilómetros por hora.",
            "Ayer hizo 30 grados centígrados y el viento soplaba a 40 kilómetros por hora.",
            "Ayer hizo treinta grados y el viento soplaba a cuarenta kilómetros por hora.",
            "Ayer hizo treinta grados centígrados y el viento soplaba a cuarenta kilómetros por hora.",
        ),
    ),
    (
        "abbreviations",
        "El Sr. García y la Sra. López llegaron tarde.",
        ("El señor García y la señora López llegaron tarde.", "El Sr. García y la Sra. López llegaron tarde."),
    ),
    (
        "abbreviations",
        "La Dra. Martínez atiende los lunes.",
        ("La doctora Martínez atiende los lunes.", "La Dra. Martínez atiende los lunes."),
    ),
    (
        "ordinals",
        "Vivimos en el 2º piso.",
        ("Vivimos en el segundo piso.", "Vivimos en el 2.º piso.", "Vivimos en el 2º piso."),
    ),
    (
        "ordinals",
        "Quedó en 1er lugar en la carrera.",
        (
            "Quedó en primer lugar en la carrera.",
            "Quedó en 1.er lugar en la carrera.",
            "Quedó en 1er lugar en la carrera.",
        ),
    ),
)

FRENCH: tuple[Row, ...] = (
    ("plain", "Le chat dort tranquillement sur le canapé.", "Le chat dort tranquillement sur le canapé."),
    ("plain", "Nous irons à la plage si le temps le permet.", "Nous irons à la plage si le temps le permet."),
    (
        "plain",
        "Ma grand-mère prépare une tarte aux pommes chaque dimanche.",
        "Ma grand-mère prépare une tarte aux pommes chaque dimanche.",
    ),
    (
        "plain",
        "Les enfants ont construit une cabane au fond du jardin.",
        "Les enfants ont construit une cabane au fond du jardin.",
    ),
    (
        "cardinals",
        "La ville compte 1 234 567 habitants.",
        (
            "La ville compte 1 234 567 habitants.",
            "La ville compte un million deux cent trente-quatre mille cinq cent soixante-sept habitants.",
        ),
    ),
    (
        "cardinals",
        "Le stade peut accueillir 68 500 spectateurs.",
        (
            "Le stade peut accueillir 68 500 spectateurs.",
            "Le stade peut accueillir soixante-huit mille cinq cents spectateurs.",
        ),
    ),
    (
        "decimals",
        "La valeur de pi est environ 3,14.",
        ("La valeur de pi est environ 3,14.", "La valeur de pi est environ trois virgule quatorze."),
    ),
    (
        "decimals",
        "La moyenne de la classe est de 12,5.",
        ("La moyenne de la classe est de 12,5.", "La moyenne de la classe est de douze virgule cinq."),
    ),
    (
        "money",
        "Le billet coûte 12,50 €.",
        (
            "Le billet coûte 12,50 €.",
            "Le billet coûte 12,50 euros.",
            "Le billet coûte 12 euros 50.",
            "Le billet coûte 12 euros et 50 centimes.",
            "Le billet coûte douze euros cinquante.",
            "Le billet coûte douze euros et cinquante centimes.",
        ),
    ),
    (
        "money",
        "Ce livre coûte 25 $ aux États-Unis.",
        (
            "Ce livre coûte 25 $ aux États-Unis.",
            "Ce livre coûte 25 dollars aux États-Unis.",
            "Ce livre coûte vingt-cinq dollars aux États-Unis.",
        ),
    ),
    (
        "percentages",
        "Les ventes ont augmenté de 45 % l'an dernier.",
        (
            "Les ventes ont augmenté de 45 % l'an dernier.",
            "Les ventes ont augmenté de 45 pour cent l'an dernier.",
            "Les ventes ont augmenté de quarante-cinq pour cent l'an dernier.",
        ),
    ),
    (
        "percentages",
        "Le taux d'intérêt est de 3,5 %.",
        (
            "Le taux d'intérêt est de 3,5 %.",
            "Le taux d'intérêt est de 3,5 pour cent.",
            "Le taux d'intérêt est de trois virgule cinq pour cent.",
        ),
    ),
    (
        "dates",
        "La réunion aura lieu le 05/03/2027.",
        ("La réunion aura lieu le 5 mars 2027.", "La réunion aura lieu le cinq mars deux mille vingt-sept."),
    ),
    (
        "dates",
        "L'année commence le 1er janvier 2027.",
        (
            "L'année commence le 1er janvier 2027.",
            "L'année commence le premier janvier 2027.",
            "L'année commence le premier janvier deux mille vingt-sept.",
        ),
    ),
    (
        "times",
        "Le train part à 15h30.",
        (
            "Le train part à 15h30.",
            "Le train part à 15 h 30.",
            "Le train part à 15 heures 30.",
            "Le train part à quinze heures trente.",
        ),
    ),
    (
        "times",
        "Le magasin ferme à 19:45.",
        (
            "Le magasin ferme à 19h45.",
            "Le magasin ferme à 19 h 45.",
            "Le magasin ferme à 19 heures 45.",
            "Le magasin ferme à dix-neuf heures quarante-cinq.",
        ),
    ),
    (
        "phone numbers",
        "Appelez-moi au 01 23 45 67 89.",
        (
            "Appelez-moi au 01 23 45 67 89.",
            "Appelez-moi au zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf.",
        ),
    ),
    (
        "phone numbers",
        "Mon portable est le 06 12 34 56 78.",
        (
            "Mon portable est le 06 12 34 56 78.",
            "Mon portable est le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.",
        ),
    ),
    (
        "units",
        "Le colis pèse 2,5 kg.",
        (
            "Le colis pèse 2,5 kg.",
            "Le colis pèse 2,5 kilos.",
            "Le colis pèse 2,5 kilogrammes.",
            "Le colis pèse deux virgule cinq kilos.",
            "Le colis pèse deux virgule cinq kilogrammes.",
            "Le colis pèse deux kilos et demi.",
        ),
    ),
    (
        "units",
        "Il faisait 30 °C et le vent soufflait à 40 km/h.",
        (
            "Il faisait 30 °C et le vent soufflait à 40 km/h.",
            "Il faisait 30 degrés et le vent soufflait à 40 kilomètres heure.",
            "Il faisait 30 degrés et le vent soufflait à 40 kilomètres à l'heure.",
            "Il faisait trente degrés et le vent soufflait à quarante kilomètres heure.",
            "Il faisait trente degrés et le vent soufflait à quarante kilomètres à l'heure.",
        ),
    ),
    (
        "abbreviations",
        "M. Dupont et Mme Martin sont arrivés en retard.",
        (
            "Monsieur Dupont et Madame Martin sont arrivés en retard.",
            "M. Dupont et Mme Martin sont arrivés en retard.",
        ),
    ),
    (
        "abbreviations",
        "Le Dr Bernard reçoit le lundi.",
        ("Le docteur Bernard reçoit le lundi.", "Le Dr Bernard reçoit le lundi."),
    ),
    (
        "ordinals",
        "Nous habitons au 3e étage.",
        ("Nous habitons au troisième étage.", "Nous habitons au 3e étage."),
    ),
    (
        "ordinals",
        "Il est arrivé 1er à la course.",
        ("Il est arrivé premier à la course.", "Il est arrivé 1er à la course."),
    ),
)

ITALIAN: tuple[Row, ...] = (
    ("plain", "Il gatto dorme sul divano tutto il pomeriggio.", "Il gatto dorme sul divano tutto il pomeriggio."),
    ("plain", "Domani andremo al mare con i nostri amici.", "Domani andremo al mare con i nostri amici."),
    (
        "plain",
        "La nonna prepara la pasta fresca ogni domenica.",
        "La nonna prepara la pasta fresca ogni domenica.",
    ),
    ("plain", "I bambini giocano nel cortile fino al tramonto.", "I bambini giocano nel cortile fino al tramonto."),
    (
        "cardinals",
        "La città ha 1.234.567 abitanti.",
        (
            "La città ha 1.234.567 abitanti.",
            "La città ha un milione duecentotrentaquattromilacinquecentosessantasette abitanti.",
        ),
    ),
    (
        "cardinals",
        "Lo stadio contiene 68.500 spettatori.",
        ("Lo stadio contiene 68.500 spettatori.", "Lo stadio contiene sessantottomilacinquecento spettatori."),
    ),
    (
        "decimals",
        "Il valore di pi greco è circa 3,14.",
        ("Il valore di pi greco è circa 3,14.", "Il valore di pi greco è circa tre virgola quattordici."),
    ),
    (
        "decimals",
        "La media della classe è 7,5.",
        (
            "La media della classe è 7,5.",
            "La media della classe è sette virgola cinque.",
            "La media della classe è sette e mezzo.",
        ),
    ),
    (
        "money",
        "Il biglietto costa 12,50 €.",
        (
            "Il biglietto costa 12,50 €.",
            "Il biglietto costa 12,50 euro.",
            "Il biglietto costa 12 euro e 50.",
            "Il biglietto costa 12 euro e 50 centesimi.",
            "Il biglietto costa dodici euro e cinquanta.",
            "Il biglietto costa dodici euro e cinquanta centesimi.",
        ),
    ),
    (
        "money",
        "Il libro costa $25 negli Stati Uniti.",
        (
            "Il libro costa $25 negli Stati Uniti.",
            "Il libro costa 25 dollari negli Stati Uniti.",
            "Il libro costa venticinque dollari negli Stati Uniti.",
        ),
    ),
    (
        "percentages",
        "Le vendite sono cresciute del 45% l'anno scorso.",
        (
            "Le vendite sono cresciute del 45% l'anno scorso.",
            "Le vendite sono cresciute del 45 per cento l'anno scorso.",
            "Le vendite sono cresciute del quarantacinque per cento l'anno scorso.",
        ),
    ),
    (
        "percentages",
        "Il tasso di interesse è del 3,5%.",
        (
            "Il tasso di interesse è del 3,5%.",
            "Il tasso di interesse è del 3,5 per cento.",
            "Il tasso di interesse è del tre virgola cinque per cento.",
            "Il tasso di interesse è del tre e mezzo per cento.",
        ),
    ),
    (
        "dates",
        "La riunione è fissata per il 05/03/2027.",
        (
            "La riunione è fissata per il 5 marzo 2027.",
            "La riunione è fissata per il cinque marzo duemilaventisette.",
        ),
    ),
    (
        "dates",
        "Sono nato il 1° maggio 1990.",
        (
            "Sono nato il 1° maggio 1990.",
            "Sono nato il primo maggio 1990.",
            "Sono nato il primo maggio millenovecentonovanta.",
        ),
    ),
    (
        "times",
        "Il treno parte alle 14:30.",
        (
            "Il treno parte alle 14:30.",
            "Il treno parte alle 14 e 30.",
            "Il treno parte alle quattordici e trenta.",
            "Il treno parte alle quattordici e mezza.",
        ),
    ),
    (
        "times",
        "Il negozio chiude alle 19.45.",
        (
            "Il negozio chiude alle 19.45.",
            "Il negozio chiude alle 19 e 45.",
            "Il negozio chiude alle diciannove e quarantacinque.",
            "Il negozio chiude alle diciannove e tre quarti.",
        ),
    ),
    (
        "phone numbers",
        "Chiamami al 06 1234 5678.",
        (
            "Chiamami al 06 1234 5678.",
            "Chiamami al 06 12345678.",
            "Chiamami al zero sei uno due tre quattro cinque sei sette otto.",
        ),
    ),
    (
        "phone numbers",
        "Il mio cellulare è 333 123 4567.",
        (
            "Il mio cellulare è 333 123 4567.",
            "Il mio cellulare è 333 1234567.",
            "Il mio cellulare è tre tre tre uno due tre quattro cinque sei sette.",
        ),
    ),
    (
        "units",
        "Il pacco pesa 2,5 kg.",
        (
            "Il pacco pesa 2,5 kg.",
            "Il pacco pesa 2,5 chili.",
            "Il pacco pesa 2,5 chilogrammi.",
            "Il pacco pesa due virgola cinque chili.",
            "Il pacco pesa due virgola cinque chilogrammi.",
            "Il pacco pesa due chili e mezzo.",
        ),
    ),
    (
        "units",
        "Ieri c'erano 30 °C e il vento soffiava a 40 km/h.",
        (
            "Ieri c'erano 30 °C e il vento soffiava a 40 km/h.",
            "Ieri c'erano 30 gradi e il vento soffiava a 40 chilometri orari.",
            "Ieri c'erano 30 gradi e il vento soffiava a 40 chilometri all'ora.",
            "Ieri c'erano trenta gradi e il vento soffiava a quaranta chilometri orari.",
            "Ieri c'erano trenta gradi e il vento soffiava a quaranta chilometri all'ora.",
        ),
    ),
    (
        "abbreviations",
        "Il Sig. Rossi e la Sig.ra Bianchi sono arrivati tardi.",
        (
            "Il signor Rossi e la signora Bianchi sono arrivati tardi.",
            "Il Sig. Rossi e la Sig.ra Bianchi sono arrivati tardi.",
        ),
    ),
    (
        "abbreviations",
        "Il Dott. Verdi riceve il lunedì.",
        ("Il dottor Verdi riceve il lunedì.", "Il Dott. Verdi riceve il lunedì."),
    ),
    ("ordinals", "Abitiamo al 2° piano.", ("Abitiamo al secondo piano.", "Abitiamo al 2° piano.")),
    ("ordinals", "È arrivata 1ª alla gara.", ("È arrivata prima alla gara.", "È arrivata 1ª alla gara.")),
)

BRAZILIAN: tuple[Row, ...] = (
    ("plain", "O cachorro corre no parque todas as manhãs.", "O cachorro corre no parque todas as manhãs."),
    (
        "plain",
        "Minha irmã mora em uma casa pequena perto do rio.",
        "Minha irmã mora em uma casa pequena perto do rio.",
    ),
    ("plain", "Por favor, feche a janela antes de sair.", "Por favor, feche a janela antes de sair."),
    ("plain", "As crianças brincam na praça até o anoitecer.", "As crianças brincam na praça até o anoitecer."),
    (
        "cardinals",
        "A cidade tem 1.234.567 habitantes.",
        (
            "A cidade tem 1.234.567 habitantes.",
            "A cidade tem um milhão, duzentos e trinta e quatro mil, quinhentos e sessenta e sete habitantes.",
        ),
    ),
    (
        "cardinals",
        "O estádio recebeu 68.500 torcedores.",
        ("O estádio recebeu 68.500 torcedores.", "O estádio recebeu sessenta e oito mil e quinhentos torcedores."),
    ),
    (
        "decimals",
        "O valor de pi é aproximadamente 3,14.",
        (
            "O valor de pi é aproximadamente 3,14.",
            "O valor de pi é aproximadamente três vírgula catorze.",
            "O valor de pi é aproximadamente três vírgula quatorze.",
        ),
    ),
    (
        "decimals",
        "A média da turma foi 7,5.",
        ("A média da turma foi 7,5.", "A média da turma foi sete vírgula cinco.", "A média da turma foi sete e meio."),
    ),
    (
        "money",
        "O ingresso custa R$ 10,50.",
        (
            "O ingresso custa R$ 10,50.",
            "O ingresso custa 10,50 reais.",
            "O ingresso custa 10 reais e 50 centavos.",
            "O ingresso custa dez reais e cinquenta centavos.",
            "O ingresso custa dez e cinquenta.",
        ),
    ),
    (
        "money",
        "O livro custa US$ 25 nos Estados Unidos.",
        (
            "O livro custa US$ 25 nos Estados Unidos.",
            "O livro custa 25 dólares nos Estados Unidos.",
            "O livro custa vinte e cinco dólares nos Estados Unidos.",
        ),
    ),
    (
        "percentages",
        "As vendas cresceram 45% no ano passado.",
        (
            "As vendas cresceram 45% no ano passado.",
            "As vendas cresceram 45 por cento no ano passado.",
            "As vendas cresceram quarenta e cinco por cento no ano passado.",
        ),
    ),
    (
        "percentages",
        "A taxa de juros é de 3,5%.",
        (
            "A taxa de juros é de 3,5%.",
            "A taxa de juros é de 3,5 por cento.",
            "A taxa de juros é de três vírgula cinco por cento.",
            "A taxa de juros é de três e meio por cento.",
        ),
    ),
    (
        "dates",
        "A reunião será no dia 05/03/2027.",
        (
            "A reunião será no dia 5 de março de 2027.",
            "A reunião será no dia cinco de março de dois mil e vinte e sete.",
        ),
    ),
    (
        "dates",
        "Ela nasceu em 12 de outubro de 1990.",
        ("Ela nasceu em 12 de outubro de 1990.", "Ela nasceu em doze de outubro de mil novecentos e noventa."),
    ),
    (
        "times",
        "O trem sai às 14h30.",
        (
            "O trem sai às 14h30.",
            "O trem sai às 14:30.",
            "O trem sai às 14 e 30.",
            "O trem sai às catorze e trinta.",
            "O trem sai às quatorze e trinta.",
            "O trem sai às catorze horas e trinta minutos.",
            "O trem sai às quatorze horas e trinta minutos.",
        ),
    ),
    (
        "times",
        "A loja fecha às 19:45.",
        (
            "A loja fecha às 19:45.",
            "A loja fecha às 19h45.",
            "A loja fecha às 19 e 45.",
            "A loja fecha às dezenove e quarenta e cinco.",
            "A loja fecha às dezenove horas e quarenta e cinco minutos.",
        ),
    ),
    (
        "phone numbers",
        "Ligue para (11) 98765-4321.",
        (
            "Ligue para (11) 98765-4321.",
            "Ligue para 11 98765-4321.",
            "Ligue para onze, nove oito sete seis cinco, quatro três dois um.",
            "Ligue para onze, nove oito sete meia cinco, quatro três dois um.",
        ),
    ),
    (
        "phone numbers",
        "O telefone da loja é 3456-7890.",
        (
            "O telefone da loja é 3456-7890.",
            "O telefone da loja é três quatro cinco seis, sete oito nove zero.",
            "O telefone da loja é três quatro cinco meia, sete oito nove zero.",
        ),
    ),
    (
        "units",
        "O pacote pesa 2,5 kg.",
        (
            "O pacote pesa 2,5 kg.",
            "O pacote pesa 2,5 quilos.",
            "O pacote pesa 2,5 quilogramas.",
            "O pacote pesa dois vírgula cinco quilos.",
            "O pacote pesa dois vírgula cinco quilogramas.",
            "O pacote pesa dois quilos e meio.",
        ),
    ),
    (
        "units",
        "Fazia 30 °C e o vento soprava a 40 km/h.",
        (
            "Fazia 30 °C e o vento soprava a 40 km/h.",
            "Fazia 30 graus e o vento soprava a 40 quilômetros por hora.",
            "Fazia trinta graus e o vento soprava a quarenta quilômetros por hora.",
            "Fazia trinta graus Celsius e o vento soprava a quarenta quilômetros por hora.",
        ),
    ),
    (
        "abbreviations",
        "O Sr. Silva e a Dra. Souza chegaram atrasados.",
        ("O senhor Silva e a doutora Souza chegaram atrasados.", "O Sr. Silva e a Dra. Souza chegaram atrasados."),
    ),
    (
        "abbreviations",
        "Solicito que V. Sa. assine o documento.",
        ("Solicito que Vossa Senhoria assine o documento.", "Solicito que V. Sa. assine o documento."),
    ),
    ("ordinals", "Moramos no 2º andar.", ("Moramos no segundo andar.", "Moramos no 2º andar.")),
    (
        "ordinals",
        "A 1ª colocada ganhou uma medalha.",
        ("A primeira colocada ganhou uma medalha.", "A 1ª colocada ganhou uma medalha."),
    ),
)

HINDI: tuple[Row, ...] = (
    ("plain", "आज मौसम बहुत सुहावना है।", "आज मौसम बहुत सुहावना है।"),
    ("plain", "बच्चे बगीचे में खेल रहे हैं।", "बच्चे बगीचे में खेल रहे हैं।"),
    ("plain", "मेरी माँ हर सुबह चाय बनाती हैं।", "मेरी माँ हर सुबह चाय बनाती हैं।"),
    ("plain", "कृपया जाने से पहले खिड़की बंद कर दीजिए।", "कृपया जाने से पहले खिड़की बंद कर दीजिए।"),
    (
        "cardinals",
        "इस शहर की आबादी 12,34,567 है।",
        (
            "इस शहर की आबादी 12,34,567 है।",
            "इस शहर की आबादी 12 लाख 34 हज़ार 567 है।",
            "इस शहर की आबादी बारह लाख चौंतीस हज़ार पाँच सौ सड़सठ है।",
        ),
    ),
    (
        "cardinals",
        "स्टेडियम में 68,500 दर्शक मौजूद थे।",
        (
            "स्टेडियम में 68,500 दर्शक मौजूद थे।",
            "स्टेडियम में अड़सठ हज़ार पाँच सौ दर्शक मौजूद थे।",
        ),
    ),
    (
        "decimals",
        "पाई का मान लगभग 3.14 है।",
        (
            "पाई का मान लगभग 3.14 है।",
            "पाई का मान लगभग तीन दशमलव एक चार है।",
            "पाई का मान लगभग तीन दशमलव चौदह है।",
        ),
    ),
    (
        "decimals",
        "कक्षा का औसत अंक 7.5 रहा।",
        (
            "कक्षा का औसत अंक 7.5 रहा।",
            "कक्षा का औसत अंक सात दशमलव पाँच रहा।",
            "कक्षा का औसत अंक साढ़े सात रहा।",
        ),
    ),
    (
        "money",
        "इस किताब की क़ीमत ₹250 है।",
        (
            "इस किताब की क़ीमत ₹250 है।",
            "इस किताब की क़ीमत 250 रुपये है।",
            "इस किताब की क़ीमत दो सौ पचास रुपये है।",
        ),
    ),
    (
        "money",
        "टिकट ₹99.50 का है।",
        (
            "टिकट ₹99.50 का है।",
            "टिकट 99.50 रुपये का है।",
            "टिकट 99 रुपये 50 पैसे का है।",
            "टिकट निन्यानवे रुपये पचास पैसे का है।",
            "टिकट निन्यानबे रुपये पचास पैसे का है।",
        ),
    ),
    (
        "percentages",
        "पिछले साल बिक्री में 45% की बढ़ोतरी हुई।",
        (
            "पिछले साल बिक्री में 45% की बढ़ोतरी हुई।",
            "पिछले साल बिक्री में 45 प्रतिशत की बढ़ोतरी हुई।",
            "पिछले साल बिक्री में पैंतालीस प्रतिशत की बढ़ोतरी हुई।",
            "पिछले साल बिक्री में पैंतालीस फ़ीसदी की बढ़ोतरी हुई।",
        ),
    ),
    (
        "percentages",
        "ब्याज दर 3.5% है।",
        (
            "ब्याज दर 3.5% है।",
            "ब्याज दर 3.5 प्रतिशत है।",
            "ब्याज दर तीन दशमलव पाँच प्रतिशत है।",
            "ब्याज दर साढ़े तीन प्रतिशत है।",
        ),
    ),
    (
        "dates",
        "बैठक 05/03/2027 को होगी।",
        ("बैठक 5 मार्च 2027 को होगी।", "बैठक पाँच मार्च दो हज़ार सत्ताईस को होगी।"),
    ),
    (
        "dates",
        "उसका जन्म 15 अगस्त 1990 को हुआ था।",
        ("उसका जन्म 15 अगस्त 1990 को हुआ था।", "उसका जन्म पंद्रह अगस्त उन्नीस सौ नब्बे को हुआ था।"),
    ),
    (
        "times",
        "ट्रेन सुबह 10:30 बजे चलेगी।",
        ("ट्रेन सुबह 10:30 बजे चलेगी।", "ट्रेन सुबह साढ़े दस बजे चलेगी।", "ट्रेन सुबह दस तीस बजे चलेगी।"),
    ),
    (
        "times",
        "दुकान शाम 7:45 बजे बंद होती है।",
        (
            "दुकान शाम 7:45 बजे बंद होती है।",
            "दुकान शाम पौने आठ बजे बंद होती है।",
            "दुकान शाम सात पैंतालीस बजे बंद होती है।",
        ),
    ),
    (
        "phone numbers",
        "मेरा नंबर 98765 43210 है।",
        (
            "मेरा नंबर 98765 43210 है।",
            "मेरा नंबर नौ आठ सात छह पाँच चार तीन दो एक शून्य है।",
            "मेरा नंबर नौ आठ सात छह पाँच चार तीन दो एक ज़ीरो है।",
        ),
    ),
    (
        "phone numbers",
        "दफ़्तर का नंबर 011 2345 6789 है।",
        (
            "दफ़्तर का नंबर 011 2345 6789 है।",
            "दफ़्तर का नंबर शून्य एक एक दो तीन चार पाँच छह सात आठ नौ है।",
            "दफ़्तर का नंबर ज़ीरो एक एक दो तीन चार पाँच छह सात आठ नौ है।",
        ),
    ),
    (
        "units",
        "दुकान यहाँ से 5 किमी दूर है।",
        ("दुकान यहाँ से 5 किमी दूर है।", "दुकान यहाँ से 5 किलोमीटर दूर है।", "दुकान यहाँ से पाँच किलोमीटर दूर है।"),
    ),
    (
        "units",
        "आज तापमान 30 °C रहा और हवा 40 km/h की रफ़्तार से चली।",
        (
            "आज तापमान 30 °C रहा और हवा 40 km/h की रफ़्तार से चली।",
            "आज तापमान 30 डिग्री सेल्सियस रहा और हवा 40 किलोमीटर प्रति घंटा की रफ़्तार से चली।",
            "आज तापमान तीस डिग्री सेल्सियस रहा और हवा चालीस किलोमीटर प्रति घंटा की रफ़्तार से चली।",
        ),
    ),
    (
        "abbreviations",
        "डॉ. शर्मा सोमवार को मरीज़ देखते हैं।",
        ("डॉक्टर शर्मा सोमवार को मरीज़ देखते हैं।", "डॉ. शर्मा सोमवार को मरीज़ देखते हैं।"),
    ),
    (
        "abbreviations",
        "प्रो. वर्मा ने कक्षा में भाषण दिया।",
        ("प्रोफ़ेसर वर्मा ने कक्षा में भाषण दिया।", "प्रो. वर्मा ने कक्षा में भाषण दिया।"),
    ),
    (
        "ordinals",
        "वह 5वीं कक्षा में पढ़ती है।",
        ("वह पाँचवीं कक्षा में पढ़ती है।", "वह 5वीं कक्षा में पढ़ती है।"),
    ),
    ("ordinals", "हम 21वीं सदी में रहते हैं।", ("हम इक्कीसवीं सदी में रहते हैं।", "हम 21वीं सदी में रहते हैं।")),
)

CORPORA: dict[str, tuple[Row, ...]] = {
    "es": SPANISH,
    "fr-fr": FRENCH,
    "it": ITALIAN,
    "pt-br": BRAZILIAN,
    "hi": HINDI,
}
"""Each language's corpus, by the server's language code."""
