"""Postcode normalisation: one spelling per postcode, None for junk. No database."""

import pytest

from core.geo.postcodes import district, normalise, normalise_country


@pytest.mark.parametrize(
    ("country", "raw", "expected"),
    [
        # UK: upper case, one space before the three-character inward code
        ("GB", "SW1A 1AA", "SW1A 1AA"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("gb", "  sw1a   1aa \n", "SW1A 1AA"),
        ("UK", "m1 1ae", "M1 1AE"),
        ("GB", "B338TH", "B33 8TH"),
        ("GB", "cr2 6xh", "CR2 6XH"),
        ("GB", "DN55 1PT", "DN55 1PT"),
        ("GB", "w1a0ax", "W1A 0AX"),
        ("GB", "EC1A 1BB", "EC1A 1BB"),
        ("GB", "gir 0aa", "GIR 0AA"),
        ("JE", "je2 3ab", "JE2 3AB"),
        # UK junk
        ("GB", "", None),
        ("GB", "   ", None),
        ("GB", "SW1A", None),  # outward code only
        ("GB", "SW1A 1AAA", None),
        ("GB", "SW1A-1AA", None),
        ("GB", "hello world", None),
        ("GB", "12345", None),
        ("GB", "Q1 1AA", None),  # no area starts with Q
        ("GB", "SW1A 1CA", None),  # C is never an inward-code letter
        ("GB", "<script>", None),
        # US: 5-digit ZIP, ZIP+4 cut to the ZIP, leading zeros kept
        ("US", "90210", "90210"),
        ("US", " 90210-1234 ", "90210"),
        ("us", "021341234", "02134"),
        ("US", "02134 1234", "02134"),
        ("PR", "00601", "00601"),
        # US junk
        ("US", "9021", None),
        ("US", "2134", None),  # a spreadsheet ate the leading zero: not guessed back
        ("US", "902100", None),
        ("US", "90210-12", None),
        ("US", "ABCDE", None),
        ("US", "", None),
        # other countries: trimmed, upper case, inner spaces collapsed
        ("ES", "28013", "28013"),
        ("CA", "k1a  0b1", "K1A 0B1"),
        ("NL", "1011 ab", "1011 AB"),
        ("BR", "01310-100", "01310-100"),
        ("ES", "!!!", None),
        ("CA", "x", None),
        ("DE", "1234567890123", None),
        ("FR", "-75001", None),
        # no usable country
        ("G", "SW1A 1AA", None),
        ("", "90210", None),
        ("GBR", "SW1A 1AA", None),
    ],
)
def test_normalise(country, raw, expected):
    assert normalise(country, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GB", "GB"), ("gb", "GB"), ("uk", "GB"), (" us ", "US"), ("GBR", None), ("", None),
     ("1A", None)],
)
def test_normalise_country(raw, expected):
    assert normalise_country(raw) == expected


@pytest.mark.parametrize(
    ("country", "raw", "expected"),
    [("GB", "sw1a1aa", "SW1A"), ("GB", "M1 1AE", "M1"), ("JE", "JE2 3AB", "JE2"),
     ("GB", "GIR 0AA", ""), ("GB", "not a postcode", ""), ("GB", "", ""),
     ("US", "02134-1234", "021xx"), ("NL", "1012 AB", ""), ("ES", "28013", ""), ("", "M1 1AE", "")],
)
def test_district_is_a_wide_area_or_nothing(country, raw, expected):
    assert district(country, raw) == expected
