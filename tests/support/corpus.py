"""Sentences of the kinds real input is full of, by class, for the intelligibility checks.

Each row is (class, input, reference). The reference is what a careful listener would write
down on hearing a careful reader: the input itself where its written form is how people write
those words ("$19.99", "March 5th, 2027"), and the spoken words where writing and speech part
ways in a form Whisper's English normalizer does not bridge ("65 mph" is heard and written as
"65 miles per hour", "e.g." as "for example"). Dates are written the way American style guides
write a spoken date ("March fifth, twenty twenty seven" is "March 5, 2027"). Whisper's English
normalizer is applied to the reference and to what the recognizer heard, so "$19.99" and
"nineteen dollars and ninety nine cents" compare equal.

Where careful listeners write the same words more than one way, a row gives every such way and the
closest one is scored: a time as "3:30 pm", "3:30 p.m." or, in British style, "3.30 p.m."; a phone number with or
without its parentheses; "March 5, 2027" or "March 5th, 2027"; a range as "9 to 5" or "9-5"; a
fraction in words or in figures. Each alternative is a form a style guide uses, never a transcript.
"""

from __future__ import annotations

References = str | tuple[str, ...]
"""What a careful listener writes down: one form, or every form they may use."""

CORPUS: tuple[tuple[str, str, References], ...] = (
    ("plain", "The quick brown fox jumps over the lazy dog.", "The quick brown fox jumps over the lazy dog."),
    (
        "plain",
        "Please remember to water the plants before you leave.",
        "Please remember to water the plants before you leave.",
    ),
    ("cardinals", "There were 42 people waiting at the door.", "There were 42 people waiting at the door."),
    ("cardinals", "The stadium holds 68,500 fans on a good night.", "The stadium holds 68,500 fans on a good night."),
    (
        "cardinals",
        "The city has a population of 1,234,567 residents.",
        "The city has a population of 1,234,567 residents.",
    ),
    (
        "ordinals",
        "She finished 1st in the race and her brother came 3rd.",
        "She finished 1st in the race and her brother came 3rd.",
    ),
    ("ordinals", "Our office is on the 22nd floor.", "Our office is on the 22nd floor."),
    ("decimals", "The value of pi is roughly 3.14.", "The value of pi is roughly 3.14."),
    ("decimals", "The sensor read 0.75 volts.", "The sensor read 0.75 volts."),
    (
        "negatives",
        "The temperature dropped to -5 degrees overnight.",
        "The temperature dropped to minus 5 degrees overnight.",
    ),
    ("money", "It costs $19.99 at the corner shop.", "It costs $19.99 at the corner shop."),
    (
        "money",
        "The ticket was €45 and the train was £12.50.",
        "The ticket was 45 euros and the train was 12 pounds and 50 pence.",
    ),
    ("money", "They raised $2.5 million for the new library.", "They raised $2.5 million for the new library."),
    ("money", "A coffee costs $4 and a bagel costs $3.25.", "A coffee costs $4 and a bagel costs $3.25."),
    ("percentages", "Sales grew by 45% last year.", "Sales grew by 45% last year."),
    ("percentages", "The loan has an interest rate of 3.5%.", "The loan has an interest rate of 3.5%."),
    (
        "dates",
        "The meeting is on 2027-03-05 in the main hall.",
        ("The meeting is on March 5, 2027 in the main hall.", "The meeting is on March 5th, 2027 in the main hall."),
    ),
    (
        "dates",
        "The launch moved to March 5th, 2027.",
        ("The launch moved to March 5, 2027.", "The launch moved to March 5th, 2027."),
    ),
    (
        "dates",
        "Her birthday is on 7/4/1990.",
        ("Her birthday is on July 4, 1990.", "Her birthday is on July 4th, 1990."),
    ),
    (
        "times",
        "The train leaves at 3:30 pm sharp.",
        (
            "The train leaves at 3:30 pm sharp.",
            "The train leaves at 3:30 p.m. sharp.",
            "The train leaves at 3.30 p.m. sharp.",
        ),
    ),
    (
        "times",
        "Breakfast is served from 7:15 a.m. until ten.",
        ("Breakfast is served from 7:15 a.m. until ten.", "Breakfast is served from 7.15 a.m. until ten."),
    ),
    (
        "times",
        "The shop closes at 9:45 in the evening.",
        ("The shop closes at 9:45 in the evening.", "The shop closes at 9.45 in the evening."),
    ),
    ("years", "The company was founded in 1998.", "The company was founded in 1998."),
    ("years", "I moved to Paris in 2007.", "I moved to Paris in 2007."),
    ("years", "The bridge will open in 2027.", "The bridge will open in 2027."),
    ("phone numbers", "Call me at 555-0199 after lunch.", "Call me at 555-0199 after lunch."),
    (
        "phone numbers",
        "Our number is (555) 123-4567.",
        ("Our number is (555) 123-4567.", "Our number is 555-123-4567."),
    ),
    ("units", "The package weighs 2.4 kg.", "The package weighs 2.4 kilograms."),
    ("units", "We drove 120 km in two hours.", "We drove 120 kilometers in two hours."),
    ("units", "The speed limit here is 65 mph.", "The speed limit here is 65 miles per hour."),
    ("units", "It was 30 °C in the shade.", "It was 30 degrees Celsius in the shade."),
    ("abbreviations", "Dr. Smith will see you now.", "Dr. Smith will see you now."),
    (
        "abbreviations",
        "Mr. and Mrs. Jones live on Elm St. near the park.",
        "Mr. and Mrs. Jones live on Elm Street near the park.",
    ),
    ("abbreviations", "Bring fruit, e.g. apples or pears.", "Bring fruit, for example apples or pears."),
    ("abbreviations", "Tonight it is the Lions vs. the Tigers.", "Tonight it is the Lions versus the Tigers."),
    ("acronyms", "The FBI and the CIA shared the report.", "The FBI and the CIA shared the report."),
    ("acronyms", "She writes HTML and CSS for a living.", "She writes HTML and CSS for a living."),
    ("acronyms", "NASA launched a new rocket today.", "NASA launched a new rocket today."),
    ("urls", "Visit example.com for more details.", "Visit example.com for more details."),
    ("urls", "Send an email to jane@example.org today.", "Send an email to jane at example.org today."),
    ("versions", "We upgraded to Python 3.12 this week.", "We upgraded to Python 3.12 this week."),
    ("versions", "Version 2.4.1 fixes the crash.", "Version 2.4.1 fixes the crash."),
    (
        "fractions",
        "Add 1/2 cup of sugar to the bowl.",
        ("Add one half cup of sugar to the bowl.", "Add 1/2 cup of sugar to the bowl."),
    ),
    (
        "fractions",
        "About 3/4 of the students passed.",
        ("About three quarters of the students passed.", "About 3/4 of the students passed."),
    ),
    (
        "ranges",
        "Read pages 10-20 before class.",
        ("Read pages 10 to 20 before class.", "Read pages 10-20 before class."),
    ),
    (
        "ranges",
        "The store is open 9-5 on weekdays.",
        ("The store is open 9 to 5 on weekdays.", "The store is open 9-5 on weekdays."),
    ),
    ("symbols", "Tom & Jerry is a classic cartoon.", "Tom and Jerry is a classic cartoon."),
    ("symbols", "She ranked #1 in the country.", "She ranked number one in the country."),
    ("markdown", "**Warning:** do not touch the _wet_ paint.", "Warning: do not touch the wet paint."),
    ("emoji", "We won the game 🎉 and celebrated all night.", "We won the game and celebrated all night."),
)


# Over 150 words, so that one misheard word is not the verdict (it is 0.6 points of the rate).
SPEED_SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "Please remember to water the plants before you leave.",
    "She walked slowly along the river every summer.",
    "The children built a small house of branches at the edge of the forest.",
    "Our neighbour bakes fresh bread every morning and shares it with the whole street.",
    "The museum will close early today because of the holiday.",
    "He forgot his umbrella on the bus and got wet on the way home.",
    "A gentle wind moved the tall grass across the hills.",
    "The teacher asked everyone to bring a favourite book to class.",
    "We watched the sun go down behind the mountains from the balcony.",
    "My brother plays the guitar in a band that practises in our garage.",
    "The old clock in the hall stopped working many years ago.",
    "They planted tomatoes, beans and carrots in the garden this spring.",
    "The library has a quiet room where students can study all day.",
    "She wrote a long letter to her friend who lives across the ocean.",
    "The farmer counted his sheep twice before closing the gate for the night.",
    "After dinner we played cards by the fire until everyone was tired.",
)
