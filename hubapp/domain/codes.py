"""Every code list the program uses, as data (DOMAIN.md §1.2, §2, §5, §6, §8).

A migration seeds these lists into the database's code table, where an authority can
relabel or extend its local lists; this module is the shipped default and the reference
for the statutory lists (CIN census, SSD), whose codes must not change. Codes are at most
40 characters and labels at most 200, to fit that table.

``Code.maps_to`` links a local code to a code of another list: a local referral source to
its CIN census code (N00152), an episode closure reason to the SSD end reason.
:data:`MAPS_TO_LIST` says which list. ``Code.ordinal`` orders ranked lists (level of need,
urgency).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of a code list.

    Args:
        code: the stored value (≤ 40 characters).
        label: what people read (≤ 200 characters).
        maps_to: the code this one maps to in another list (see :data:`MAPS_TO_LIST`).
        ordinal: rank in an ordered list, e.g. level of need 1–4.
    """

    code: str
    label: str
    maps_to: str | None = None
    ordinal: int | None = None


_C = Code

# ---- List names (the keys of CODE_LISTS and the list column of the code table)
CIN_REFERRAL_SOURCE = "cin_referral_source"
REFERRAL_SOURCE = "referral_source"
ASSESSMENT_FACTOR = "assessment_factor"
PRIMARY_NEED = "primary_need"
CIN_CLOSURE_REASON = "cin_closure_reason"
SF_OUTCOME = "sf_outcome"
SSD_END_REASON = "ssd_end_reason"
EPISODE_CLOSURE_REASON = "episode_closure_reason"
LEVEL_OF_NEED = "level_of_need"
RELATIONSHIP = "relationship"
SEX = "sex"
ETHNICITY = "ethnicity"
CONSENT_METHOD = "consent_method"
CONSENT_GIVER_CAPACITY = "consent_giver_capacity"
LAWFUL_BASIS = "lawful_basis"
SHARE_WITHOUT_AGREEMENT_REASON = "share_without_agreement_reason"
REQUEST_CHANNEL = "request_channel"
REQUEST_OUTCOME = "request_outcome"
URGENCY = "urgency"
REASON_FOR_INVOLVEMENT = "reason_for_involvement"
IDENTIFIER_TYPE = "identifier_type"
UPN_UNKNOWN = "upn_unknown"
MEETING_TYPE = "meeting_type"
CLOSURE_DESTINATION = "closure_destination"
SERVICE = "service"
REVIEW_DECISION = "review_decision"
PROGRESS_RATING = "progress_rating"
TRANSFER_OUTCOME = "transfer_outcome"
TRANSFER_DIRECTION = "transfer_direction"
NEED_STATUS = "need_status"
CASE_NOTE_KIND = "case_note_kind"
ASSESSMENT_KIND = "assessment_kind"
ALIAS_KIND = "alias_kind"
AGENCY_KIND = "agency_kind"

#: The Supporting Families outcome framework the ``sf_outcome`` codes belong to, so that a
#: later framework can sit beside it.
SF_TAXONOMY = "SFOF 2022-25"

#: For lists whose codes map to another list: which list ``maps_to`` refers to.
MAPS_TO_LIST: dict[str, str] = {
    REFERRAL_SOURCE: CIN_REFERRAL_SOURCE,
    EPISODE_CLOSURE_REASON: SSD_END_REASON,
}

CODE_LISTS: dict[str, tuple[Code, ...]] = {
    # CIN census ReferralSource (N00152): exactly these 22 codes (validator rule 8866).
    CIN_REFERRAL_SOURCE: (
        _C("1A", "Individual: family member, relative or carer"),
        _C("1B", "Individual: acquaintance (including neighbours and childminders)"),
        _C("1C", "Individual: self"),
        _C("1D", "Individual: other (including strangers and MPs)"),
        _C("2A", "Schools"),
        _C("2B", "Education services"),
        _C("3A", "Health services: GP"),
        _C("3B", "Health services: health visitor"),
        _C("3C", "Health services: school nurse"),
        _C("3D", "Health services: other primary health services"),
        _C("3E", "Health services: A&E"),
        _C("3F", "Health services: other"),
        _C("4", "Housing (local authority or housing association)"),
        _C("5A", "LA services: social care (e.g. adult social care)"),
        _C("5B", "LA services: other internal (not social care or early help)"),
        _C("5C", "LA services: external (e.g. another local authority)"),
        _C("5D", "LA services: early help"),
        _C("6", "Police"),
        _C("7", "Other legal agency (courts, probation, CAFCASS, prison, immigration)"),
        _C("8", "Other (children's centres, voluntary sector, independent providers)"),
        _C("9", "Anonymous"),
        _C("10", "Unknown"),
    ),
    # The local list a hub worker picks from; each maps to its CIN census code.
    REFERRAL_SOURCE: (
        _C("FAMILY_MEMBER", "Family member, relative or carer", "1A"),
        _C("FRIEND_NEIGHBOUR", "Friend, neighbour or childminder", "1B"),
        _C("SELF", "Self-referral (parent, carer or young person)", "1C"),
        _C("MEMBER_OF_PUBLIC", "Member of the public", "1D"),
        _C("MP_COUNCILLOR", "MP or councillor", "1D"),
        _C("SCHOOL_DSL", "School (designated safeguarding lead)", "2A"),
        _C("SCHOOL_OTHER", "School (other staff, e.g. SENCO, pastoral lead)", "2A"),
        _C("EDUCATION_SERVICE", "Education services (attendance, inclusion, SEND team)", "2B"),
        _C("EARLY_YEARS_SETTING", "Early years setting or nursery (private or voluntary)", "8"),
        _C("GP", "GP", "3A"),
        _C("HEALTH_VISITOR", "Health visitor – 0-19 service", "3B"),
        _C("SCHOOL_NURSE", "School nurse – 0-19 service", "3C"),
        _C("MIDWIFE", "Midwife", "3D"),
        _C("EMERGENCY_DEPARTMENT", "Hospital emergency department (A&E)", "3E"),
        _C("CAMHS", "CAMHS or other mental health service", "3F"),
        _C("HEALTH_OTHER", "Other health service (hospital, therapies, substance use)", "3F"),
        _C("HOUSING", "Housing (council or housing association)", "4"),
        _C("ADULT_SOCIAL_CARE", "Adult social care", "5A"),
        _C("CSC_STEP_DOWN", "Social care step-down", "5A"),
        _C("LA_OTHER", "Other council service (e.g. youth service, family hub)", "5B"),
        _C("OTHER_LA", "Another local authority", "5C"),
        _C("EARLY_HELP_HUB", "Early help (another hub)", "5D"),
        _C("POLICE", "Police", "6"),
        _C("YOUTH_JUSTICE_PROBATION", "Youth justice, probation or courts", "7"),
        _C("VOLUNTARY_SECTOR", "Voluntary or community organisation", "8"),
        _C("ANONYMOUS", "Anonymous", "9"),
        _C("UNKNOWN", "Unknown", "10"),
    ),
    # CIN census factors identified at assessment (N00181), including historic 18A/19A.
    ASSESSMENT_FACTOR: (
        _C("1A", "Alcohol misuse: concerns about the child"),
        _C("1B", "Alcohol misuse: concerns about the parent or carer"),
        _C("1C", "Alcohol misuse: concerns about another person in the household"),
        _C("2A", "Drug misuse: concerns about the child"),
        _C("2B", "Drug misuse: concerns about the parent or carer"),
        _C("2C", "Drug misuse: concerns about another person in the household"),
        _C("3A", "Domestic violence: concerns about the child"),
        _C("3B", "Domestic violence: concerns about the parent or carer"),
        _C("3C", "Domestic violence: concerns about another person in the household"),
        _C("4A", "Mental health: concerns about the child"),
        _C("4B", "Mental health: concerns about the parent or carer"),
        _C("4C", "Mental health: concerns about another person in the household"),
        _C("5A", "Learning disability: concerns about the child"),
        _C("5B", "Learning disability: concerns about the parent or carer"),
        _C("5C", "Learning disability: concerns about another person in the household"),
        _C("6A", "Physical disability or illness: concerns about the child"),
        _C("6B", "Physical disability or illness: concerns about the parent or carer"),
        _C("6C", "Physical disability or illness: concerns about another household member"),
        _C("7A", "Young carer"),
        _C("8B", "Privately fostered: overseas child who intends to return"),
        _C("8C", "Privately fostered: overseas child who intends to stay"),
        _C("8D", "Privately fostered: UK child in an educational placement"),
        _C("8E", "Privately fostered: UK child in an alternative family arrangement"),
        _C("8F", "Privately fostered: other"),
        _C("9A", "Unaccompanied asylum-seeking child"),
        _C("10A", "Going or being missing"),
        _C("11A", "Child sexual exploitation"),
        _C("12A", "Trafficking"),
        _C("13A", "Gangs"),
        _C("14A", "Socially unacceptable behaviour"),
        _C("15A", "Self-harm"),
        _C("16A", "Neglect"),
        _C("17A", "Emotional abuse"),
        _C("18A", "Physical abuse (historic code, before 18B and 18C)"),
        _C("18B", "Physical abuse: child on child"),
        _C("18C", "Physical abuse: adult on child"),
        _C("19A", "Sexual abuse (historic code, before 19B and 19C)"),
        _C("19B", "Sexual abuse: child on child"),
        _C("19C", "Sexual abuse: adult on child"),
        _C("20", "Other"),
        _C("21", "No factors identified (must be the only factor)"),
        _C("22A", "Female genital mutilation"),
        _C("23A", "Abuse linked to faith or belief"),
        _C("24A", "Child criminal exploitation"),
    ),
    PRIMARY_NEED: (
        _C("N1", "Abuse or neglect"),
        _C("N2", "Child's disability"),
        _C("N3", "Parental disability or illness"),
        _C("N4", "Family in acute stress"),
        _C("N5", "Family dysfunction"),
        _C("N6", "Socially unacceptable behaviour"),
        _C("N7", "Low income"),
        _C("N8", "Absent parenting"),
        _C("N9", "Cases other than children in need"),
        _C("N0", "Not stated"),
    ),
    # CIN census ReasonForClosure (N00103). RC8/RC9 need an assessment (rule 8825Q).
    CIN_CLOSURE_REASON: (
        _C("RC1", "Adopted"),
        _C("RC2", "Died"),
        _C("RC3", "Child arrangements order"),
        _C("RC4", "Special guardianship order"),
        _C("RC5", "Transferred to services of another local authority"),
        _C("RC6", "Transferred to adult social care"),
        _C("RC7", "Services ceased for any other reason, including no longer in need"),
        _C("RC8", "Case closed after assessment, no further action"),
        _C("RC9", "Case closed after assessment, referred to early help"),
    ),
    # The ten Supporting Families 2022-25 headline outcomes, names exact as in chapter 5 of
    # the programme guidance (SF_TAXONOMY).
    SF_OUTCOME: (
        _C("SF01", "Getting a good education", ordinal=1),
        _C("SF02", "Good early years development", ordinal=2),
        _C("SF03", "Improved mental and physical health", ordinal=3),
        _C("SF04", "Better managed substance use", ordinal=4),
        _C("SF05", "Improved family relationships", ordinal=5),
        _C("SF06", "Children safe from abuse and exploitation", ordinal=6),
        _C("SF07", "Families diverted from crime", ordinal=7),
        _C("SF08", "Safe from domestic abuse", ordinal=8),
        _C("SF09", "Secure housing", ordinal=9),
        _C("SF10", "Financial stability", ordinal=10),
    ),
    # Standard Safeguarding Dataset early help end reasons.
    SSD_END_REASON: (
        _C("OUTCOMES_MET", "Outcomes met"),
        _C("STEP_UP", "Step-up"),
        _C("NFA", "No further action"),
    ),
    EPISODE_CLOSURE_REASON: (
        _C("OUTCOMES_MET", "Outcomes met", "OUTCOMES_MET"),
        _C("STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY",
          "Stepped down to universal or single-agency support", "OUTCOMES_MET"),
        _C("STEPPED_UP_CSC", "Stepped up to children's social care", "STEP_UP"),
        _C("CONSENT_WITHDRAWN", "Family withdrew consent", "NFA"),
        _C("DISENGAGED", "Family disengaged", "NFA"),
        _C("MOVED_OUT_OF_AREA", "Moved out of the area", "NFA"),
        _C("NO_LONGER_ELIGIBLE", "No longer eligible", "NFA"),
        _C("CHILD_DIED", "Child died", "NFA"),
        _C("OPENED_IN_ERROR", "Opened in error", "NFA"),
    ),
    # Labels are per-authority configuration (each threshold document names its own
    # levels); these defaults follow the typical four-level model (DOMAIN §2).
    LEVEL_OF_NEED: (
        _C("L1", "Universal", ordinal=1),
        _C("L2", "Additional", ordinal=2),
        _C("L3", "Complex", ordinal=3),
        _C("L4", "Specialist-statutory", ordinal=4),
    ),
    # Relationship of a family member to the index child.
    RELATIONSHIP: (
        _C("MOTHER", "Mother"),
        _C("FATHER", "Father"),
        _C("STEP_PARENT", "Step-parent"),
        _C("PARTNER_OF_PARENT", "Partner of parent"),
        _C("SIBLING", "Sibling"),
        _C("HALF_SIBLING", "Half-sibling"),
        _C("GRANDPARENT", "Grandparent"),
        _C("KINSHIP_CARER", "Kinship carer"),
        _C("OTHER_ADULT", "Other adult"),
        _C("SELF", "Index child (self)"),
        _C("OTHER_CHILD", "Other child"),
    ),
    # CIN census Sex (N00783); U is used for an unborn child.
    SEX: (
        _C("M", "Male"),
        _C("F", "Female"),
        _C("U", "Not known (including unborn)"),
    ),
    # DfE CBDS main ethnicity codes.
    ETHNICITY: (
        _C("WBRI", "White – British"),
        _C("WIRI", "White – Irish"),
        _C("WIRT", "Traveller of Irish heritage"),
        _C("WROM", "Gypsy/Roma"),
        _C("WOTH", "Any other White background"),
        _C("MWBC", "White and Black Caribbean"),
        _C("MWBA", "White and Black African"),
        _C("MWAS", "White and Asian"),
        _C("MOTH", "Any other mixed background"),
        _C("AIND", "Indian"),
        _C("APKN", "Pakistani"),
        _C("ABAN", "Bangladeshi"),
        _C("AOTH", "Any other Asian background"),
        _C("BCRB", "Black Caribbean"),
        _C("BAFR", "Black – African"),
        _C("BOTH", "Any other Black background"),
        _C("CHNE", "Chinese"),
        _C("OOTH", "Any other ethnic group"),
        _C("REFU", "Refused"),
        _C("NOBT", "Information not yet obtained"),
    ),
    CONSENT_METHOD: (
        _C("SIGNED", "Signed"),
        _C("VERBAL", "Verbal"),
        _C("ELECTRONIC", "Electronic"),
    ),
    CONSENT_GIVER_CAPACITY: (
        _C("PARENTAL_RESPONSIBILITY", "Parent or carer with parental responsibility"),
        _C("YOUNG_PERSON_16_PLUS", "Young person aged 16 or over"),
        _C("GILLICK_COMPETENT", "Child judged Gillick-competent for this decision"),
        _C("OTHER", "Other (record the basis)"),
    ),
    # UK GDPR / DPA 2018 bases for sharing personal data (DOMAIN §1.2 item 2).
    LAWFUL_BASIS: (
        _C("ART6_1E_PUBLIC_TASK", "UK GDPR Art 6(1)(e): public task"),
        _C("ART6_1C_LEGAL_OBLIGATION", "UK GDPR Art 6(1)(c): legal obligation"),
        _C("ART6_1D_VITAL_INTERESTS", "UK GDPR Art 6(1)(d): vital interests"),
        _C("ART6_1A_CONSENT", "UK GDPR Art 6(1)(a): consent"),
        _C("ART9_2G_SUBSTANTIAL_PUBLIC_INTEREST",
          "UK GDPR Art 9(2)(g): substantial public interest (DPA 2018 Sch 1, "
          "safeguarding of children and individuals at risk)"),
        _C("ART9_2H_HEALTH_SOCIAL_CARE", "UK GDPR Art 9(2)(h): health or social care"),
        _C("ART9_2C_VITAL_INTERESTS", "UK GDPR Art 9(2)(c): vital interests"),
        _C("ART9_2A_EXPLICIT_CONSENT", "UK GDPR Art 9(2)(a): explicit consent"),
        _C("ART10_CRIMINAL_OFFENCE_DATA", "UK GDPR Art 10: criminal offence data"),
    ),
    # When information may be shared without the family's agreement (DOMAIN §1.2 item 3).
    SHARE_WITHOUT_AGREEMENT_REASON: (
        _C("RISK_OF_SIGNIFICANT_HARM", "Asking would increase the risk of significant harm"),
        _C("PREJUDICE_CRIME_INQUIRY",
          "Asking would prejudice the prevention, detection or prosecution of a crime"),
        _C("UNDUE_DELAY", "Asking would cause undue delay"),
    ),
    REQUEST_CHANNEL: (
        _C("PHONE", "Phone"),
        _C("EMAIL", "Email"),
        _C("PORTAL", "Online portal"),
        _C("IN_PERSON", "In person"),
        _C("LETTER", "Letter"),
    ),
    # The decision on a request for support (states.RequestOutcome).
    REQUEST_OUTCOME: (
        _C("ACCEPT_EH", "Accepted for early help"),
        _C("ADVICE_SIGNPOST", "Advice or signposting"),
        _C("PASS_TO_CSC", "Passed to children's social care"),
        _C("EXISTING_PLAN", "Already supported by an existing plan"),
        _C("RETURN_NO_CONSENT", "Returned: no consent"),
        _C("NFA", "No further action"),
        _C("WITHDRAWN", "Withdrawn"),
    ),
    URGENCY: (
        _C("ROUTINE", "Routine", ordinal=1),
        _C("PRIORITY", "Priority", ordinal=2),
        _C("URGENT", "Urgent (same working day)", ordinal=3),
    ),
    # Standard Safeguarding Dataset early help reasons for involvement.
    REASON_FOR_INVOLVEMENT: (
        _C("SUBSTANCE_MISUSE", "Alcohol or substance misuse"),
        _C("MENTAL_HEALTH", "Mental health"),
        _C("PARENTING_FAMILY_DYNAMICS", "Parenting and family dynamics"),
        _C("DISABILITY_ILLNESS", "Disability or illness"),
        _C("DOMESTIC_ABUSE", "Domestic abuse"),
        _C("CHILD_ABUSE_NEGLECT", "Child abuse or neglect"),
        _C("SPECIAL_CIRCUMSTANCES", "Special circumstances"),
        _C("SOCIO_ECONOMIC", "Socio-economic"),
        _C("WELLBEING_DEVELOPMENT", "Child well-being and development"),
        _C("INFORMATION_SUPPORT", "Information and support"),
        _C("OTHER", "Other"),
    ),
    IDENTIFIER_TYPE: (
        _C("NHS", "NHS number"),
        _C("UPN", "Unique pupil number (UPN)"),
        _C("FORMER_UPN", "Former unique pupil number"),
        _C("NI", "National Insurance number"),
        _C("LA_CMS", "Local authority case management system ID"),
        _C("ULN", "Unique learner number (ULN)"),
        _C("PNC", "Police National Computer number (PNC)"),
        _C("URN", "School unique reference number (URN)"),
    ),
    # CIN census UPNunknown (N00135).
    UPN_UNKNOWN: (
        _C("UN1", "Child is under 6 years old and not yet assigned a UPN"),
        _C("UN2", "Child has never attended a maintained school in England"),
        _C("UN3", "Child is educated outside England"),
        _C("UN4", "Child newly in need, UPN not yet known"),
        _C("UN5", "Sources disagree, so no reliable UPN"),
        _C("UN6", "Child not looked after and the LA cannot obtain the UPN"),
        _C("UN7", "Referral with no further action (only if every referral for the child was NFA)"),
    ),
    MEETING_TYPE: (
        _C("INITIAL_TAF", "Initial Team Around the Family meeting"),
        _C("TAF_REVIEW", "Team Around the Family review"),
        _C("STEP_DOWN_MEETING", "Step-down meeting"),
        _C("CLOSURE_TAF", "Closure Team Around the Family meeting"),
    ),
    CLOSURE_DESTINATION: (
        _C("UNIVERSAL", "Universal services"),
        _C("SINGLE_AGENCY", "Single agency support"),
        _C("CSC", "Children's social care"),
        _C("OUT_OF_AREA", "Out of area"),
    ),
    SERVICE: (
        _C("TARGETED_EH", "Targeted early help"),
        _C("FAMILY_HELP", "Family Help"),
        _C("PARTNER_LED", "Partner-led early help"),
        _C("CSC", "Children's social care (statutory)"),
    ),
    # states.ReviewDecision
    REVIEW_DECISION: (
        _C("CONTINUE", "Continue with the plan"),
        _C("REVISE_PLAN", "Revise the plan"),
        _C("STEP_UP", "Step up to children's social care"),
        _C("STEP_DOWN_TO_UNIVERSAL", "Step down to universal services"),
        _C("CLOSE", "Close"),
    ),
    # states.ProgressRating
    PROGRESS_RATING: (
        _C("IMPROVED", "Improved", ordinal=3),
        _C("NO_CHANGE", "No change", ordinal=2),
        _C("WORSE", "Worse", ordinal=1),
    ),
    # The front door's decision on a step-up request (states.StepUpOutcome).
    TRANSFER_OUTCOME: (
        _C("ACCEPTED_CIN_ASSESSMENT", "Accepted: child in need (s17) assessment"),
        _C("ACCEPTED_S47_STRATEGY", "Accepted: strategy discussion (s47)"),
        _C("ADVICE_RETURNED_TO_EH", "Advice given, returned to early help"),
        _C("NFA", "No further action"),
    ),
    # states.TransferDirection
    TRANSFER_DIRECTION: (
        _C("STEP_UP", "Step-up to children's social care"),
        _C("STEP_DOWN", "Step-down to early help"),
    ),
    # DOMAIN §8.1 Need.status.
    NEED_STATUS: (
        _C("OPEN", "Open"),
        _C("MET", "Met"),
        _C("NOT_MET", "Not met"),
        _C("WITHDRAWN", "Withdrawn"),
    ),
    CASE_NOTE_KIND: (
        _C("NOTE", "Case note"),
        _C("VISIT", "Home visit"),
        _C("PHONE", "Phone call"),
        _C("MEETING", "Meeting"),
        _C("SCHOOL_VISIT", "School visit"),
    ),
    # DOMAIN §8.1 Assessment.type.
    ASSESSMENT_KIND: (
        _C("EHA", "Early Help Assessment"),
        _C("REASSESSMENT", "Re-assessment"),
        _C("SF_ELIGIBILITY", "Supporting Families eligibility"),
    ),
    ALIAS_KIND: (
        _C("alias", "Also known as"),
        _C("previous_name", "Previous name"),
        _C("nickname", "Preferred or nickname"),
    ),
    AGENCY_KIND: (
        _C("SCHOOL", "School or college"),
        _C("HEALTH", "Health"),
        _C("POLICE", "Police"),
        _C("HOUSING", "Housing"),
        _C("VOLUNTARY", "Voluntary sector"),
        _C("LA", "Local authority service"),
        _C("CSC", "Children's social care"),
        _C("DWP", "Department for Work and Pensions"),
        _C("OTHER", "Other"),
    ),
}

_INDEX: dict[str, dict[str, Code]] = {
    name: {c.code: c for c in codes} for name, codes in CODE_LISTS.items()
}


def _list(list_name: str) -> dict[str, Code]:
    try:
        return _INDEX[list_name]
    except KeyError:
        raise KeyError(f"no code list named {list_name!r}") from None


def get_code(list_name: str, code: str) -> Code:
    """The entry for ``code`` in a list.

    Raises:
        KeyError: no such list, or no such code in it.
    """
    try:
        return _list(list_name)[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a code of {list_name}") from None


def label_of(list_name: str, code: str, default: str | None = None) -> str:
    """The label of ``code``; ``default`` if the code is unknown and a default is given.

    Raises:
        KeyError: no such list, or an unknown code and no default.
    """
    entry = _list(list_name).get(code)
    if entry is not None:
        return entry.label
    if default is not None:
        return default
    raise KeyError(f"{code!r} is not a code of {list_name}")


def codes_of(list_name: str) -> tuple[str, ...]:
    """The codes of a list, in display order.

    Raises:
        KeyError: no such list.
    """
    return tuple(_list(list_name))


def is_valid(list_name: str, code: str) -> bool:
    """Whether ``code`` is in the list.

    Raises:
        KeyError: no such list (a programming error, unlike a bad code).
    """
    return code in _list(list_name)


def maps_to(list_name: str, code: str) -> str | None:
    """The mapped code of ``code`` (e.g. a local referral source's CIN code), or None.

    Raises:
        KeyError: no such list, or no such code in it.
    """
    return get_code(list_name, code).maps_to
