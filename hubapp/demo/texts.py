"""Short stock texts for demo records (summaries, rationales, needs, goals, notes)."""

from __future__ import annotations

REFERRER_ROLE = {
    "SCHOOL_DSL": "Designated safeguarding lead", "SCHOOL_OTHER": "SENCO",
    "EDUCATION_SERVICE": "Attendance officer", "HEALTH_VISITOR": "Health visitor",
    "SCHOOL_NURSE": "School nurse", "MIDWIFE": "Community midwife", "GP": "GP",
    "POLICE": "PC, neighbourhood team", "HOUSING": "Housing officer", "CAMHS": "Clinician",
    "VOLUNTARY_SECTOR": "Project worker", "SELF": "Parent", "FAMILY_MEMBER": "Grandparent",
}
#: The kind of agency (``org.AGENCIES``) a referrer from each source works for.
SOURCE_AGENCY = {
    "SCHOOL_DSL": "SCHOOL", "SCHOOL_OTHER": "SCHOOL", "EDUCATION_SERVICE": "SCHOOL",
    "HEALTH_VISITOR": "HEALTH", "SCHOOL_NURSE": "HEALTH", "MIDWIFE": "HEALTH", "GP": "HEALTH",
    "EMERGENCY_DEPARTMENT": "HEALTH", "CAMHS": "HEALTH", "HEALTH_OTHER": "HEALTH",
    "POLICE": "POLICE", "HOUSING": "HOUSING", "VOLUNTARY_SECTOR": "VOLUNTARY",
    "YOUTH_JUSTICE_PROBATION": "LA", "LA_OTHER": "LA", "ADULT_SOCIAL_CARE": "LA",
}
#: Referral sources and how often each is used (local codes of the referral_source list).
SOURCES = (
    ("SCHOOL_DSL", 18), ("SCHOOL_OTHER", 6), ("EDUCATION_SERVICE", 4), ("HEALTH_VISITOR", 10),
    ("SCHOOL_NURSE", 3), ("MIDWIFE", 3), ("GP", 4), ("EMERGENCY_DEPARTMENT", 1), ("CAMHS", 2),
    ("HEALTH_OTHER", 1), ("POLICE", 10), ("HOUSING", 4), ("ADULT_SOCIAL_CARE", 1),
    ("LA_OTHER", 2), ("OTHER_LA", 1), ("EARLY_HELP_HUB", 1), ("YOUTH_JUSTICE_PROBATION", 1),
    ("VOLUNTARY_SECTOR", 4), ("EARLY_YEARS_SETTING", 2), ("SELF", 9), ("FAMILY_MEMBER", 3),
    ("FRIEND_NEIGHBOUR", 1), ("MEMBER_OF_PUBLIC", 1), ("MP_COUNCILLOR", 1), ("ANONYMOUS", 1),
    ("UNKNOWN", 1),
)
NEEDS = {
    "SUBSTANCE_MISUSE": "Parent's alcohol use is affecting routines and supervision.",
    "MENTAL_HEALTH": "Parent reports low mood and anxiety; struggling to cope day to day.",
    "PARENTING_FAMILY_DYNAMICS": "Conflict at home and boundaries are hard to keep.",
    "DISABILITY_ILLNESS": "Child's additional needs put the family under strain.",
    "DOMESTIC_ABUSE": "Police attended a verbal argument at the home; children present.",
    "CHILD_ABUSE_NEGLECT": "School notes the child is often hungry and unkempt.",
    "SPECIAL_CIRCUMSTANCES": "Family recently arrived and are not yet linked to services.",
    "SOCIO_ECONOMIC": "Rent arrears and debt; the family faces possible eviction.",
    "WELLBEING_DEVELOPMENT": "Attendance has dropped below 85% this term.",
    "INFORMATION_SUPPORT": "Parent asks for advice on local support and activities.",
    "OTHER": "Referrer worried about the family's general wellbeing.",
}
RATIONALE = {
    "ACCEPT_EH": "Needs in more than one area; family agree to early help. Allocate a worker.",
    "ADVICE_SIGNPOST": "Single-agency need. Referrer advised; family signposted to the hub offer.",
    "PASS_TO_CSC": "Information suggests risk of significant harm. Passed to social care.",
    "EXISTING_PLAN": "Family already have an active plan; passed to the lead practitioner.",
    "RETURN_NO_CONSENT": "Parent does not agree to early help. Returned to the referrer.",
    "NFA": "No additional needs identified after checks. No further action.",
    "WITHDRAWN": "Referrer withdrew the request after speaking with the family.",
}
SF = {
    "SF01": ("School attendance is poor and the child is at risk of exclusion.",
             "Attendance below 90%",
             "Child attends school every day and on time."),
    "SF02": ("Toddler's speech is behind expected development.", "Early years development concern",
             "Child's speech and play develop as expected for their age."),
    "SF03": ("Parent's anxiety and low mood affect daily routines.", "Mental health need",
             "Parent feels well supported and manages daily routines."),
    "SF04": ("Alcohol use by a parent affects the children.", "Substance use affecting the family",
             "Parent's alcohol use is reduced and managed safely."),
    "SF05": ("Arguments at home and difficult teenage behaviour.",
             "Family relationship difficulties",
             "Family communicate calmly and boundaries are consistent."),
    "SF06": ("Concerns about online contact from unknown adults.", "Risk of exploitation",
             "Child understands online safety and is safe from exploitation."),
    "SF07": ("Young person involved in anti-social behaviour.", "Crime or anti-social behaviour",
             "Young person stays out of trouble and has positive activities."),
    "SF08": ("History of domestic abuse from a former partner.", "Domestic abuse",
             "Family feel safe at home and know how to get help."),
    "SF09": ("Family in temporary accommodation with rent arrears.", "Housing insecurity",
             "Family live in a secure, suitable home."),
    "SF10": ("Debts and no stable income; using food banks.", "Financial difficulty",
             "Family income is maximised and debts are managed."),
}
ACTIONS = (
    "Attend weekly parenting group", "Complete benefits check with Citizens Advice",
    "Agree morning routine and bedtime plan", "Book GP appointment about low mood",
    "Referral to speech and language drop-in", "Meet with school pastoral lead",
    "Join Women's Aid freedom programme", "Apply for housing transfer",
    "Attend youth club twice a week", "Home visit every two weeks",
    "Set up online safety session with the school", "Register with a local food club",
)
NOTE_KINDS = (("VISIT", "Home visit"), ("PHONE", "Phone call"), ("NOTE", "Case note"),
              ("MEETING", "Professionals' meeting"), ("SCHOOL_VISIT", "School visit"))
NOTES = (
    "Visited the family at home. Mum engaged well and we reviewed the plan together.",
    "Phone call with school: attendance improving this half term.",
    "Children seen and spoken with alone; they said things feel calmer at home.",
    "Family did not answer at the agreed visit time; letter left and text sent.",
    "Discussed progress with the health visitor, who has no new concerns.",
    "Supported dad to complete the housing application online.",
)
CLOSURE = {
    "OUTCOMES_MET": "Family have met the outcomes in their plan and feel able to carry on.",
    "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY": "Remaining support is offered by the school alone.",
    "STEPPED_UP_CSC": "Case stepped up to children's social care, who now lead.",
    "CONSENT_WITHDRAWN": "Parent withdrew agreement to early help.",
    "DISENGAGED": "Family stopped engaging despite several attempts to contact them.",
    "MOVED_OUT_OF_AREA": "Family moved out of the area; the new authority has been told.",
    "NO_LONGER_ELIGIBLE": "The family's circumstances changed and they no longer need early help.",
    "CHILD_DIED": "Closed following the death of a child. Bereavement support offered.",
    "OPENED_IN_ERROR": "Episode opened in error against the wrong family.",
}
STEP_UP_REASON = "Concerns have escalated despite the plan; risk now meets the CSC threshold."
STEP_DOWN_REASON = "CIN plan actions are complete; the family need support at early help level."
CSC_CLOSED = "CIN plan closed; stepping across to early help."
STRENGTHS = "Loving relationships; parent is open to help; children attend school regularly."
CHILD_VOICE = "Said they like football and want less shouting at home."
ANALYSIS = "Needs are at level 3; a multi-agency plan led by early help is proportionate."
FACTORS = ("1B", "2B", "3A", "3B", "4A", "4B", "5A", "6B", "7A", "10A", "14A", "16A", "17A", "24A",
           "20")
AREAS = ("Family routine", "Keeping children safe", "Home and money", "Education and learning",
         "Health and well-being", "Boundaries and behaviour")
EVIDENCE = ("School records", "Health visitor", "Family", "Police")
MET_EVIDENCE = "Evidenced at review and agreed with the family."
AFTER_CLOSURE = "School to keep an eye on attendance."
METHODS = ("SIGNED", "VERBAL", "ELECTRONIC")
NETWORK = "Maternal grandmother helps with school runs."
SERVICES = "Family support worker; parenting programme; school pastoral support."
ADVICE_RETURNED = "Advice given; early help to continue."
