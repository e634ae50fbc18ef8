"""Tests for hubapp.domain.codes: the shipped code lists and their helpers."""

from __future__ import annotations

from enum import StrEnum

import pytest

from hubapp.domain import codes as c
from hubapp.domain import states as s

REQUIRED_LISTS = [
    "cin_referral_source", "referral_source", "assessment_factor", "primary_need",
    "cin_closure_reason", "sf_outcome", "episode_closure_reason", "level_of_need",
    "relationship", "sex", "ethnicity", "consent_method", "consent_giver_capacity",
    "lawful_basis", "share_without_agreement_reason", "request_channel", "request_outcome",
    "urgency", "reason_for_involvement", "identifier_type", "upn_unknown", "meeting_type",
    "closure_destination", "service", "review_decision", "progress_rating", "transfer_outcome",
]


def test_required_lists_present() -> None:
    assert set(REQUIRED_LISTS) <= set(c.CODE_LISTS)


@pytest.mark.parametrize("name", sorted(c.CODE_LISTS))
def test_list_shape(name: str) -> None:
    codes = c.CODE_LISTS[name]
    assert codes, name
    assert len(name) <= 40
    assert len({x.code for x in codes}) == len(codes), "duplicate code"
    for x in codes:
        assert isinstance(x, c.Code)
        assert 0 < len(x.code) <= 40 and x.code == x.code.strip()
        assert 0 < len(x.label) <= 200 and x.label == x.label.strip()
        if x.maps_to is not None:
            assert name in c.MAPS_TO_LIST, f"{name} maps but has no target list"
            assert c.is_valid(c.MAPS_TO_LIST[name], x.maps_to), (name, x)
    ordinals = [x.ordinal for x in codes if x.ordinal is not None]
    assert len(set(ordinals)) == len(ordinals)


@pytest.mark.parametrize("name", sorted(c.MAPS_TO_LIST))
def test_mapped_lists_map_every_code(name: str) -> None:
    assert all(x.maps_to for x in c.CODE_LISTS[name])


def test_cin_referral_source_is_exactly_the_22_codes() -> None:
    assert c.codes_of(c.CIN_REFERRAL_SOURCE) == (
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
        "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
    )
    assert c.label_of(c.CIN_REFERRAL_SOURCE, "5D") == "LA services: early help"


def test_local_referral_sources_map_to_cin() -> None:
    assert len(c.CODE_LISTS[c.REFERRAL_SOURCE]) >= 20
    assert c.maps_to(c.REFERRAL_SOURCE, "HEALTH_VISITOR") == "3B"
    assert c.maps_to(c.REFERRAL_SOURCE, "SCHOOL_DSL") == "2A"
    assert c.maps_to(c.REFERRAL_SOURCE, "POLICE") == "6"
    assert c.maps_to(c.REFERRAL_SOURCE, "SELF") == "1C"
    assert c.maps_to(c.REFERRAL_SOURCE, "EARLY_HELP_HUB") == "5D"
    labels = {x.label for x in c.CODE_LISTS[c.REFERRAL_SOURCE]}
    assert {"Health visitor – 0-19 service", "School (designated safeguarding lead)", "Police",
            "Social care step-down", "Early help (another hub)"} <= labels


def test_assessment_factors() -> None:
    codes = set(c.codes_of(c.ASSESSMENT_FACTOR))
    expected = {f"{n}{s}" for n in range(1, 7) for s in "ABC"}
    expected |= {"7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A",
                 "15A", "16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20", "21",
                 "22A", "23A", "24A"}
    assert codes == expected


def test_statutory_small_lists() -> None:
    assert set(c.codes_of(c.PRIMARY_NEED)) == {f"N{i}" for i in range(10)}
    assert c.codes_of(c.CIN_CLOSURE_REASON) == tuple(f"RC{i}" for i in range(1, 10))
    assert c.codes_of(c.UPN_UNKNOWN) == tuple(f"UN{i}" for i in range(1, 8))
    assert c.codes_of(c.SEX) == ("M", "F", "U")
    assert len(c.codes_of(c.ETHNICITY)) == 20
    assert c.codes_of(c.IDENTIFIER_TYPE)[:2] == ("NHS", "UPN")
    identifiers = set(c.codes_of(c.IDENTIFIER_TYPE))
    assert {"NHS", "UPN", "NI", "LA_CMS", "ULN", "PNC", "URN"} <= identifiers


def test_sf_outcomes_exact_names() -> None:
    assert c.SF_TAXONOMY == "SFOF 2022-25"
    assert [(x.code, x.label) for x in c.CODE_LISTS[c.SF_OUTCOME]] == [
        ("SF01", "Getting a good education"),
        ("SF02", "Good early years development"),
        ("SF03", "Improved mental and physical health"),
        ("SF04", "Better managed substance use"),
        ("SF05", "Improved family relationships"),
        ("SF06", "Children safe from abuse and exploitation"),
        ("SF07", "Families diverted from crime"),
        ("SF08", "Safe from domestic abuse"),
        ("SF09", "Secure housing"),
        ("SF10", "Financial stability"),
    ]


def test_episode_closure_reasons_map_to_ssd() -> None:
    assert c.codes_of(c.EPISODE_CLOSURE_REASON) == (
        "OUTCOMES_MET", "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY", "STEPPED_UP_CSC",
        "CONSENT_WITHDRAWN", "DISENGAGED", "MOVED_OUT_OF_AREA", "NO_LONGER_ELIGIBLE",
        "CHILD_DIED", "OPENED_IN_ERROR",
    )
    assert c.maps_to(c.EPISODE_CLOSURE_REASON, "STEPPED_UP_CSC") == "STEP_UP"
    assert c.maps_to(c.EPISODE_CLOSURE_REASON, "OUTCOMES_MET") == "OUTCOMES_MET"
    assert c.maps_to(c.EPISODE_CLOSURE_REASON, "DISENGAGED") == "NFA"


def test_level_of_need_is_ordered() -> None:
    levels = c.CODE_LISTS[c.LEVEL_OF_NEED]
    assert [x.ordinal for x in levels] == [1, 2, 3, 4]
    labels = [x.label for x in levels]
    assert labels == ["Universal", "Additional", "Complex", "Specialist-statutory"]


@pytest.mark.parametrize(
    ("list_name", "enum"),
    [
        (c.REQUEST_OUTCOME, s.RequestOutcome),
        (c.REVIEW_DECISION, s.ReviewDecision),
        (c.PROGRESS_RATING, s.ProgressRating),
        (c.TRANSFER_OUTCOME, s.StepUpOutcome),
        (c.TRANSFER_DIRECTION, s.TransferDirection),
    ],
)
def test_lists_match_state_enums(list_name: str, enum: type[StrEnum]) -> None:
    assert c.codes_of(list_name) == tuple(str(m) for m in enum)


def test_helpers() -> None:
    assert c.label_of(c.SEX, "U") == "Not known (including unborn)"
    assert c.label_of(c.SEX, "X", default="X (retired)") == "X (retired)"
    with pytest.raises(KeyError, match="'X' is not a code of sex"):
        c.label_of(c.SEX, "X")
    with pytest.raises(KeyError, match="no code list named 'nope'"):
        c.codes_of("nope")
    with pytest.raises(KeyError):
        c.is_valid("nope", "M")
    assert c.is_valid(c.SEX, "M") and not c.is_valid(c.SEX, "m")
    assert c.get_code(c.URGENCY, "URGENT").ordinal == 3
    assert c.maps_to(c.SEX, "M") is None
    with pytest.raises(KeyError):
        c.maps_to(c.SEX, "Q")


def test_code_is_frozen() -> None:
    code = c.Code("A", "Alpha")
    with pytest.raises(AttributeError):
        code.label = "Beta"  # type: ignore[misc]
