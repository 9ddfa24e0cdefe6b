"""The personal-data detector: what it must find, and the ordinary reports it must leave alone."""

from __future__ import annotations

import pytest

from bot.services.personal_data import PersonalDataKind as Kind
from bot.services.personal_data import find_personal_data


def kinds(text: str) -> list[Kind]:
    return [finding.kind for finding in find_personal_data(text)]


def birth_number(yymmdd: str) -> str:
    """A checksum-valid 10-digit birth number for the given date part."""
    for tail in range(1000):
        digits = f"{yymmdd}{tail:03d}"
        for last in range(10):
            if int(digits + str(last)) % 11 == 0:
                return f"{yymmdd}/{tail:03d}{last}"
    raise AssertionError("no valid birth number")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"Nezletilý s RČ {birth_number('080512')} se zdržuje u garáží", birth_number("080512")),
        (f"rč {birth_number('785224')} (žena)", birth_number("785224")),
        (
            f"{birth_number('900101').replace('/', '')} bydlí v bloku",
            birth_number("900101").replace("/", ""),
        ),
        (f"narozen 2004, číslo {birth_number('047205')}", birth_number("047205")),
        ("starší muž, RČ 450312/123", "450312/123"),
    ],
)
def test_birth_numbers_with_a_valid_date_and_checksum_are_found(text: str, found: str) -> None:
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(Kind.BIRTH_NUMBER, found)]


@pytest.mark.parametrize(
    "text",
    [
        "číslo 080512/1235 neprošlo",  # checksum wrong (the valid one ends differently)
        "spis 081332/0000",  # month 13
        "spis 080230/0004",  # 30 February
        "450312123 bez lomítka",  # 9 digits without a slash: too easily a plain number
        "č. j. 2026/12345",
        "spisová značka 12/2026/123",
    ],
)
def test_numbers_that_are_not_birth_numbers_are_left_alone(text: str) -> None:
    assert Kind.BIRTH_NUMBER not in kinds(text)


def test_a_wrong_checksum_is_ignored_unless_announced() -> None:
    valid = birth_number("080512")
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert kinds(f"spis {wrong}") == []
    assert kinds(f"RČ {wrong}") == [Kind.BIRTH_NUMBER]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("volejte 777 123 456 kdykoli", "777 123 456"),
        ("tel. 777123456", "777123456"),
        ("+420 603 111 222 je správce", "+420 603 111 222"),
        ("00420 596 123 456", "00420 596 123 456"),
        ("číslo 731-222-333", "731-222-333"),
        ("slovenské +421 905 123 456", "+421 905 123 456"),
    ],
)
def test_phone_numbers_are_found(text: str, found: str) -> None:
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(Kind.PHONE, found)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("píše z jan.novak@seznam.cz", "jan.novak@seznam.cz"),
        ("kontakt: Info+mdt@ostrava-jih.cz.", "Info+mdt@ostrava-jih.cz"),
    ],
)
def test_emails_are_found(text: str, found: str) -> None:
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(Kind.EMAIL, found)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("bílé auto 8T2 1234 stojí denně", "8T2 1234"),
        ("SPZ 1AB1234", "1AB1234"),
        ("dodávka 3M5 9876 u školy", "3M5 9876"),
    ],
)
def test_car_plates_are_found(text: str, found: str) -> None:
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(Kind.CAR_PLATE, found)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Petr Dvořák prodává na chodbě", "Petr Dvořák"),
        ("u vchodu stojí Jana Nováková s kamarády", "Jana Nováková"),
        ("podle paní Horákové je to každý den", "paní Horákové"),
        ("Pan Kowalczyk hlídá dvůr", "Pan Kowalczyk"),
        ("Marie Svobodová-Malá to viděla", "Marie Svobodová-Malá"),
    ],
)
def test_names_are_found(text: str, found: str) -> None:
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(Kind.FULL_NAME, found)]


def test_several_kinds_in_one_text_are_reported_in_order() -> None:
    text = f"Petr Dvořák ({birth_number('850101')}), tel. 777 123 456, auto 8T2 1234, p@x.cz"
    assert kinds(text) == [
        Kind.FULL_NAME,
        Kind.BIRTH_NUMBER,
        Kind.PHONE,
        Kind.CAR_PLATE,
        Kind.EMAIL,
    ]


ORDINARY_REPORTS = [
    "U garáží na ulici Dělnická se večer schází skupina mladistvých, pijí alkohol a hlučí.",
    "Na dětském hřišti v parku Komenského jsme našli 5 použitých injekčních stříkaček.",
    "Opuštěný dům na Palackého 12 obývají lidé bez domova, v noci tam svítí oheň.",
    "Ve vestibulu ZŠ Ostrčilova se po vyučování zdržují starší chlapci a vybírají peníze.",
    "Na zastávce Hulváky se kolem 22:00 prodávají drogy, hlášeno už 3x.",
    "Prostituce na ulici Místecká u benzinky, hlavně pátek a sobota po 21. hodině.",
    "Nepořádek kolem kontejnerů na sídlišti Dubina, rozbité lahve, v 7.30 tam chodí děti do školy.",
    "Mladí na skejtparku ve Vítkovicích kouří marihuanu, stížnosti rodičů z 12. 11.",
    "Po propuštění z výkonu trestu se pan vrátil do ubytovny, potřebuje pomoc s bydlením.",
    "Na Stodolní ulici jsou o víkendu rvačky, městská policie zasahovala 2x za měsíc.",
    "V parku Jana Nerudy jsou rozbité lavičky a sprejeři posprejovali zeď.",
    "Ulice Vítězslava Nezvala: hluk z baru do 3 ráno, sousedé si stěžují.",
    "Skupina 4–6 dětí ve věku 10–14 let se potuluje po obchodním centru Forum Nová Karolina.",
    "Na náměstí Jiřího z Poděbrad se schází lidé pod vlivem alkoholu, obtěžují kolemjdoucí.",
    "Škola Karla Čapka hlásí šikanu mezi žáky 8. třídy, řeší s OSPOD.",
    "Ubytovna na Přemyslovců má 120 obyvatel, nájem 6 500 Kč měsíčně za pokoj.",
    "Cena dávky se prý pohybuje kolem 300 Kč, prodej probíhá u podchodu.",
    "Hlášení z 24. 11. 2026 ve 14:30 – požár kontejneru u domu č. p. 1234.",
    "Osvětlení v podchodu u Hlavního nádraží nefunguje od 3.11., je tam tma a nebezpečno.",
    "Na Hlavní třídě v Porubě se v noci prohánějí auta, měřeno přes 100 km/h.",
    "Park Boženy Němcové: psi bez vodítka, exkrementy na hřišti.",
    "U stadionu Bazaly se po zápasech ničí zastávka, škoda asi 20 000 Kč.",
    "Sociálně vyloučená lokalita Přednádraží – zatékání do bytů, plíseň, 30 rodin.",
    "Terénní pracovníci Charity Ostrava nabízejí výměnu stříkaček každé úterý 16–18 h.",
    "Kamerový systém na ulici 28. října nezabírá roh u lékárny.",
    "Renarkon hlásí nárůst klientů užívajících pervitin o 15 % oproti loňsku.",
    "Asistenti prevence kriminality žádají o rozšíření služby do 22:00.",
    "V domě č. 45/12 na Bedřicha Nikodema je porucha zvonků, cizí lidé chodí dovnitř.",
    "Ráno v 6:15 u zastávky Svinov mosty sedí opilí lidé na lavičkách.",
    "Hřiště na ulici Marie Majerové je v noci plné lidí, hlasitá hudba.",
    "Nová Ves: v zahrádkářské kolonii se vloupali do 7 chatek během října.",
    "Dopravní podnik hlásí 12 rozbitých oken v tramvajích linky 4 za listopad.",
    "Prosíme o hlídku MP v sobotu 28.11. od 20:00 do 2:00 u diskotéky.",
    "Na nábřeží Ostravice u mostu Miloše Sýkory se schází mládež a pálí ohně.",
    "Setkání s vedením ZŠ proběhlo 10/2026, domluveno 5 besed pro 6.–9. ročník.",
    "Výdejna jídla na Sokolské třídě má frontu přes 50 lidí, lidé se perou.",
    "Objekt bývalé prádelny (parcela 1234/5) je otevřený, hrozí úraz dětí.",
    "Ve čtvrtek 3. 12. proběhne úklid lokality s dobrovolníky, sraz v 9:00.",
    "Stížnost na hluk z herny Admiral na ulici Čs. legií, otevřeno 24/7.",
    "Rekonstrukce hřiště stojí 1 250 000 Kč, dotace z programu prevence 2027.",
    "Mladiství z ubytovny Jana Maluchy chodí za školu, spolupráce s OSPOD.",
    "Sprejeři na tramvajové zastávce Karolina a na mostě Pavla Kovala.",
]


@pytest.mark.parametrize("text", ORDINARY_REPORTS)
def test_ordinary_reports_raise_no_warning(text: str) -> None:
    assert find_personal_data(text) == []


def test_empty_and_huge_texts_are_fine() -> None:
    assert find_personal_data("") == []
    assert find_personal_data("opakovaný text bez dat " * 150) == []


@pytest.mark.parametrize(
    "text, found",
    [
        ("Mladík, nar. 7801011234, se zdržuje u garáží.", "7801011234"),
        ("r. č. 780101/1234 uvedl strážník", "780101/1234"),
        ("RČ: 780101/1234", "780101/1234"),
        ("jeho rodné číslo 7801011234 je v evidenci", "7801011234"),
        ("narozen 780101/123", "780101/123"),
        ("born 780101/1234", "780101/1234"),
    ],
)
def test_announced_birth_numbers_are_found_despite_checksum_or_slash(text: str, found: str) -> None:
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(Kind.BIRTH_NUMBER, found)]


@pytest.mark.parametrize(
    "text",
    [
        "č. j. MMO/12345/2026 projednal odbor",
        "spis 7801011234 u soudu",  # no announcing word: the checksum must hold
        "nar. 991399/1234",  # announced, but no such date
        "datum narození 780101",
        "dům č. p. 1234, 15.12. 14:00, asi 20 lidí",
    ],
)
def test_ordinary_numbers_stay_quiet_even_near_the_words(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Boženy Němcové 12",
        "náměstí Jiřího z Poděbrad 5",
        "Nadace Jana Pernera",
        "ZŠ Jana Šoupala, pan Novák",
    ],
)
def test_names_can_be_left_out_for_places_and_organisations(text: str) -> None:
    assert find_personal_data(text, names=False) == []


def test_without_names_numbers_and_addresses_still_count() -> None:
    text = "Boženy Němcové 12, tel. 731 123 456, správce@example.cz, 4T5 1234, nar. 780101/1229"
    assert [f.kind for f in find_personal_data(text, names=False)] == [
        Kind.PHONE,
        Kind.EMAIL,
        Kind.CAR_PLATE,
        Kind.BIRTH_NUMBER,
    ]
