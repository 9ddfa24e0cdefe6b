"""Spotting what looks like personal data in a report before it is saved.

Reports are about places and situations, not named people (docs/user-guide.md, "Soukromí"). The
detector warns; the reporter decides. False alarms teach people to ignore warnings, so each rule is
strict about shape (and checksums where there are any)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from enum import StrEnum


class PersonalDataKind(StrEnum):
    BIRTH_NUMBER = "birth_number"
    PHONE = "phone"
    EMAIL = "email"
    CAR_PLATE = "car_plate"
    FULL_NAME = "full_name"


@dataclass(frozen=True)
class Finding:
    kind: PersonalDataKind
    text: str
    start: int
    end: int


_BIRTH_NUMBER = re.compile(r"(?<![\d/])(\d{2})(\d{2})(\d{2})\s?(/?)\s?(\d{3,4})(?![\d/])")
_PHONE_CZ = re.compile(
    r"(?<![\d+])(?:(?:\+|00)420[ \-.]?)?([2-79]\d{2})([ \-.]?)(\d{3})\2(\d{3})(?![\d])"
)
_PHONE_INTL = re.compile(r"(?<![\w+])\+(?!420)\d[\d \-.]{6,18}\d(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_REGIONS = "ABCEHJKLMPSTUZ"
_CAR_PLATE = re.compile(rf"(?<![\w])\d[{_REGIONS}][A-Z0-9] ?\d{{4}}(?![\w])")
_WORD = r"[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]+"
_NAME_PAIR = re.compile(rf"(?<![\w.])({_WORD})\s+({_WORD}(?:-{_WORD})?)(?![\w])")
_TITLED = re.compile(rf"(?<![\w])(?i:pan|paní|pana|panu|panem|slečna|slečny)\s+({_WORD})(?![\w])")

FIRST_NAMES = frozenset(
    [
        "Adam",
        "Adéla",
        "Adriana",
        "Alena",
        "Aleš",
        "Alexandr",
        "Alexandra",
        "Alžběta",
        "Andrea",
        "Aneta",
        "Anna",
        "Antonín",
        "Barbora",
        "Bohumil",
        "Bohuslav",
        "Božena",
        "Břetislav",
        "Bronislava",
        "Dagmar",
        "Dalibor",
        "Daniel",
        "Daniela",
        "David",
        "Denis",
        "Denisa",
        "Dominik",
        "Dušan",
        "Eduard",
        "Eliška",
        "Emil",
        "Emilie",
        "Erik",
        "Eva",
        "Filip",
        "František",
        "Gabriela",
        "Hana",
        "Helena",
        "Ilona",
        "Irena",
        "Iveta",
        "Ivan",
        "Ivana",
        "Ivo",
        "Jakub",
        "Jan",
        "Jana",
        "Jarmila",
        "Jaromír",
        "Jaroslav",
        "Jaroslava",
        "Jindřich",
        "Jiří",
        "Jitka",
        "Josef",
        "Jozef",
        "Julie",
        "Kamil",
        "Kamila",
        "Karel",
        "Karla",
        "Kateřina",
        "Klára",
        "Kristýna",
        "Kryštof",
        "Ladislav",
        "Lenka",
        "Leoš",
        "Libor",
        "Libuše",
        "Lucie",
        "Luboš",
        "Ludmila",
        "Lukáš",
        "Magdalena",
        "Marcel",
        "Marcela",
        "Marek",
        "Markéta",
        "Marie",
        "Martin",
        "Martina",
        "Matěj",
        "Michaela",
        "Michal",
        "Milan",
        "Milada",
        "Miloslav",
        "Miloš",
        "Miroslav",
        "Miroslava",
        "Monika",
        "Nikola",
        "Nikol",
        "Oldřich",
        "Olga",
        "Ondřej",
        "Otakar",
        "Patrik",
        "Pavel",
        "Pavla",
        "Pavlína",
        "Petr",
        "Petra",
        "Přemysl",
        "Radek",
        "Radim",
        "Radka",
        "Radomír",
        "Radovan",
        "Renata",
        "Richard",
        "Robert",
        "Roman",
        "Romana",
        "Rostislav",
        "Růžena",
        "Sabina",
        "Simona",
        "Soňa",
        "Stanislav",
        "Stanislava",
        "Šárka",
        "Štěpán",
        "Štěpánka",
        "Svatopluk",
        "Tadeáš",
        "Tereza",
        "Tomáš",
        "Vasil",
        "Vanda",
        "Václav",
        "Vendula",
        "Veronika",
        "Viktor",
        "Viktorie",
        "Vilém",
        "Vladimír",
        "Vladimíra",
        "Vlasta",
        "Vlastimil",
        "Vojtěch",
        "Zbyněk",
        "Zdeněk",
        "Zdeňka",
        "Zuzana",
        "Žaneta",
        "Dezider",
        "Gejza",
        "Gizela",
        "Ladislava",
        "Roland",
        "Rudolf",
        "Ernest",
        "Jolana",
        "Erika",
        "Šimon",
        "Vítězslav",
        "Bohdan",
    ]
)

#: capitalised words that follow a first name in ordinary reports but are not surnames
_NOT_SURNAMES = frozenset(
    [
        "Ostrava",
        "Ostravy",
        "Ostravě",
        "Poruba",
        "Poruby",
        "Porubě",
        "Přívoz",
        "Přívozu",
        "Vítkovice",
        "Vítkovicích",
        "Hulváky",
        "Hulvákách",
        "Zábřeh",
        "Zábřehu",
        "Hrabůvka",
        "Hrabůvce",
        "Dubina",
        "Dubině",
        "Bělský",
        "Fifejdy",
        "Fifejdách",
        "Kunčičky",
        "Kunčičkách",
        "Michálkovice",
        "Radvanice",
        "Bartovice",
        "Petřkovice",
        "Jih",
        "Jihu",
        "Svinov",
        "Svinově",
        "Mariánské",
        "Hory",
        "Horách",
        "Stodolní",
        "Karolina",
        "Karolině",
        "Nová",
        "Nové",
        "Stará",
        "Staré",
        "Slezská",
        "Slezské",
        "Moravská",
        "Moravské",
        "Městská",
        "Městské",
        "Policie",
        "Policii",
        "Charita",
        "Charity",
        "Armáda",
        "Renarkon",
        "Magistrát",
        "Pondělí",
        "Úterý",
        "Středa",
        "Čtvrtek",
        "Pátek",
        "Sobota",
        "Neděle",
        "Leden",
        "Únor",
        "Březen",
        "Duben",
        "Květen",
        "Červen",
        "Červenec",
        "Srpen",
        "Září",
        "Říjen",
        "Listopad",
        "Prosinec",
    ]
)

#: a name right after these words is a street, square, school or stop named after someone
_PLACE_WORDS = frozenset(
    [
        "ulice",
        "ulici",
        "ulicí",
        "ul",
        "třída",
        "třídě",
        "třídu",
        "tř",
        "náměstí",
        "nám",
        "nábřeží",
        "sady",
        "sadech",
        "park",
        "parku",
        "most",
        "mostě",
        "zastávka",
        "zastávce",
        "zastávku",
        "škola",
        "škole",
        "školu",
        "zš",
        "mš",
        "gymnázium",
        "gymnáziu",
        "kostel",
        "kostela",
        "stadion",
        "stadionu",
        "sídliště",
        "sídlišti",
        "ubytovna",
        "ubytovny",
        "ubytovně",
        "ubytovnu",
        "hřiště",
        "areál",
        "areálu",
        "hotel",
        "hotelu",
        "restaurace",
        "obchod",
        "obchodu",
        "nemocnice",
        "nemocnici",
        "divadlo",
        "divadla",
        "dům",
        "domu",
        "domov",
        "domova",
        "street",
        "square",
    ]
)


def find_personal_data(text: str, *, names: bool = True) -> list[Finding]:
    """Findings ordered by position, non-overlapping (the first, more specific rule wins).

    ``names=False`` leaves out names of people: for texts that name places and organisations
    (localities, meeting places, a guest's organisation), where streets, squares, schools and
    foundations are named after people ("Boženy Němcové", "Nadace Jana Pernera")."""
    found: list[Finding] = []
    finders = [_birth_numbers, _emails, _phones, _plates]
    if names:
        finders.append(_names)
    for finder in finders:
        for finding in finder(text):
            if not any(f.start < finding.end and finding.start < f.end for f in found):
                found.append(finding)
    return sorted(found, key=lambda f: f.start)


def _finding(kind: PersonalDataKind, match: re.Match[str], group: int = 0) -> Finding:
    return Finding(kind, match.group(group), match.start(group), match.end(group))


def _birth_numbers(text: str) -> list[Finding]:
    """YYMMDD/XXXX with a valid date (women +50, since 2004 also +20) and the mod-11 rule;
    the 9-digit form (before 1954) only with its slash. Right after words that announce a
    birth number ("nar.", "r. č.", "rodné číslo"), a valid date is enough: a mistyped checksum
    or a missing slash still is someone's birth number."""
    found = []
    for match in _BIRTH_NUMBER.finditer(text):
        yy, mm, dd, slash, tail = match.groups()
        digits = yy + mm + dd + tail
        announced = _announced(text, match.start())
        if len(tail) == 3 and (not slash or int(yy) >= 54) and not announced:
            continue
        if len(tail) == 4 and not _checksum_ok(digits) and not announced:
            continue
        year = (1900 if len(tail) == 3 or int(yy) >= 54 else 2000) + int(yy)
        if _valid_date(year, int(mm), int(dd)):
            found.append(_finding(PersonalDataKind.BIRTH_NUMBER, match))
    return found


#: words right before a number that say it is a birth number (or a date of birth)
_ANNOUNCING = re.compile(
    r"(?i:\bnar\.?|\bnaroz\w*|\br\.?\s?č\.?|\brč\b|\brodné\w*\s+čísl\w*|\bborn)"
    r"[\s:,.-]*$"
)


def _announced(text: str, start: int) -> bool:
    return _ANNOUNCING.search(text[max(0, start - 24) : start]) is not None


def _checksum_ok(digits: str) -> bool:
    number = int(digits)
    if number % 11 == 0:
        return True
    return int(digits[:9]) % 11 == 10 and digits[9] == "0"


def _valid_date(year: int, month: int, day: int) -> bool:
    for offset in (0, 50, 20, 70):
        if 1 <= month - offset <= 12:
            real_month = month - offset
            break
    else:
        return False
    return 1 <= day <= calendar.monthrange(year, real_month)[1]


def _emails(text: str) -> list[Finding]:
    return [_finding(PersonalDataKind.EMAIL, m) for m in _EMAIL.finditer(text)]


def _phones(text: str) -> list[Finding]:
    """+country numbers first (so a foreign number is found whole), then Czech numbers
    (9 digits from 2–7 or 9, whole or in threes)."""
    found = []
    for match in _PHONE_INTL.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 15:
            found.append(_finding(PersonalDataKind.PHONE, match))
    found += [_finding(PersonalDataKind.PHONE, m) for m in _PHONE_CZ.finditer(text)]
    return found


def _plates(text: str) -> list[Finding]:
    """Czech plates of today's form: digit, region letter, letter or digit, four digits."""
    return [_finding(PersonalDataKind.CAR_PLATE, m) for m in _CAR_PLATE.finditer(text)]


def _names(text: str) -> list[Finding]:
    """A known Czech first name followed by a surname-like word, or pan/paní + surname."""
    found = []
    for match in _NAME_PAIR.finditer(text):
        first, surname = match.group(1), match.group(2)
        if first not in FIRST_NAMES or surname in _NOT_SURNAMES or surname in FIRST_NAMES:
            continue
        if _after_place_word(text, match.start()):
            continue
        found.append(_finding(PersonalDataKind.FULL_NAME, match))
    for match in _TITLED.finditer(text):
        if match.group(1) not in _NOT_SURNAMES:
            found.append(_finding(PersonalDataKind.FULL_NAME, match))
    return found


def _after_place_word(text: str, start: int) -> bool:
    before = re.findall(r"[\wÀ-ž]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].casefold() in _PLACE_WORDS
