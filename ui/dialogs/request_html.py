"""A request for support as HTML, for the request view and the decision dialog's summary.

Plain functions over :class:`RequestView`; every value is escaped.
"""

from __future__ import annotations

from html import escape

from hubapp.domain import codes
from hubapp.domain.front_door import ConsentView, RequestView, ShareView
from ui import formatting as fmt
from ui.dialogs.duplicates_panel import involvement_chips
from ui.resources import THEME


def _label(list_name: str, code: str | None) -> str:
    return codes.label_of(list_name, code, code) if code else ""


def _rows(pairs: list[tuple[str, str]]) -> str:
    muted = THEME["text_muted"]
    body = "".join(
        f"<tr><td style='color:{muted}; padding:2px 14px 2px 0; white-space:nowrap' valign='top'>{escape(k)}</td>"
        f"<td style='padding:2px 0'>{escape(v)}</td></tr>" for k, v in pairs if v)
    return f"<table cellspacing='0'>{body}</table>"


def _heading(text: str) -> str:
    return f"<h3 style='color:{THEME['accent']}; margin:14px 0 4px 0'>{escape(text)}</h3>"


def consent_text(c: ConsentView) -> list[tuple[str, str]]:
    """One agreement as label/value pairs."""
    scope = [s for s, on in (("early help", c.scope_engagement), ("sharing with agencies", c.scope_sharing),
                             ("national evaluation", c.scope_national_evaluation)) if on]
    return [
        ("Answer", "Agreed" if c.agreed else "Refused"),
        ("Given by", f"{c.giver_name} ({_label(codes.RELATIONSHIP, c.giver_relationship)})"),
        ("Capacity", _label(codes.CONSENT_GIVER_CAPACITY, c.capacity)),
        ("Capacity note", c.capacity_note),
        ("How and when", f"{_label(codes.CONSENT_METHOD, c.method)}, {fmt.uk_date(c.given_on)}"),
        ("Covers", ", ".join(scope) if scope else "nothing"),
        ("Agencies", c.scope_agencies),
        ("Restrictions", c.restrictions),
        ("Withdrawn", fmt.uk_date(c.withdrawn_on)),
        ("Recorded by", c.recorded_by or ""),
    ]


def share_text(s: ShareView) -> list[tuple[str, str]]:
    """One share as label/value pairs."""
    agreement = "With the family's agreement" if s.with_agreement else (
        "Without agreement: " + _label(codes.SHARE_WITHOUT_AGREEMENT_REASON, s.without_agreement_reason))
    return [("What", s.what), ("With whom", s.with_whom), ("Purpose", s.purpose),
            ("Lawful basis", _label(codes.LAWFUL_BASIS, s.lawful_basis)), ("Agreement", agreement),
            ("Note", s.without_agreement_note), ("Decided by", f"{s.decided_by or ''}, {fmt.uk_datetime(s.shared_at)}")]


def summary_html(v: RequestView) -> str:
    """The request in a few lines (the decision dialog's top)."""
    needs = ", ".join(_label(codes.REASON_FOR_INVOLVEMENT, n) for n in v.presenting_needs) or "none recorded"
    children = ", ".join(s.name for s in v.subjects) or "no one named"
    if v.has_agreement:
        agreement = "Agreement to early help recorded"
    elif any(c.agreed for c in v.consents):
        agreement = "The agreement recorded does not cover early help"
    elif v.consents:
        agreement = "Agreement to early help refused"
    else:
        agreement = "No agreement to early help recorded"
    referrer = ", ".join(x for x in (v.referrer_name, v.referrer_organisation) if x) or "unknown"
    chips = " ".join(involvement_chips(v.involvement_at_logging))
    return (f"<b>Request {v.id} · {escape(v.family_name)}</b> · {escape(v.hub_name)}<br>"
            f"Received {fmt.uk_datetime(v.received_at)} from {escape(referrer)} "
            f"({escape(_label(codes.REFERRAL_SOURCE, v.source))}). About {escape(children)}.<br>"
            f"Needs: {escape(needs)} · Level {escape(fmt.level_text(v.level_of_need))}<br>"
            f"<b>{escape(agreement)}</b>" + (f"<br>At logging: {chips}" if chips else ""))


def request_html(v: RequestView) -> str:
    """Everything about the request, for the request view."""
    status = fmt.request_status(v.status, v.outcome)
    parts = [f"<h2 style='margin:0'>Request {v.id} · {escape(v.family_name)}</h2>"
             f"<p style='color:{THEME['text_muted']}; margin-top:2px'>{escape(status)} · {escape(v.hub_name)}</p>"]
    parts.append(_heading("Request"))
    parts.append(_rows([
        ("Received", f"{fmt.uk_datetime(v.received_at)} by {_label(codes.REQUEST_CHANNEL, v.channel).lower()}"),
        ("Urgency", _label(codes.URGENCY, v.urgency)),
        ("Source", f"{_label(codes.REFERRAL_SOURCE, v.source)} (CIN {v.cin_source or '–'})"),
        ("Referrer", ", ".join(x for x in (v.referrer_name, v.referrer_role, v.referrer_organisation) if x)),
        ("Contact", v.referrer_contact or ""),
        ("Logged by", v.created_by or ""),
    ]))
    parts.append(_heading("About"))
    parts.append(_rows([(s.name, ("due " if s.dob_is_expected else "born ") + fmt.uk_date(s.date_of_birth)
                         if s.date_of_birth else "date of birth not known") for s in v.subjects]
                       or [("", "No one named")]))
    parts.append(_heading("Needs"))
    parts.append(_rows([
        ("Presenting needs", ", ".join(_label(codes.REASON_FOR_INVOLVEMENT, n) for n in v.presenting_needs)),
        ("Level of need", fmt.level_text(v.level_of_need)), ("Summary", v.summary or ""),
    ]))
    chips = " ".join(involvement_chips(v.involvement_at_logging))
    if chips:
        parts.append(_heading("Known involvement when logged"))
        parts.append(f"<p>{chips}</p>")
    parts.append(_heading("Agreement to early help"))
    parts.extend(_rows(consent_text(c)) for c in v.consents)
    if not v.consents:
        parts.append("<p>Not recorded.</p>")
    parts.append(_heading("Information sharing"))
    parts.extend(_rows(share_text(s)) for s in v.shares)
    if not v.shares:
        parts.append("<p>Not recorded.</p>")
    parts.append(_heading("Decision"))
    if v.outcome:
        feedback = (f"{_label(codes.REQUEST_CHANNEL, v.feedback_method)}, {fmt.uk_datetime(v.feedback_at)}"
                    + (f": {v.feedback_note}" if v.feedback_note else "")) if v.feedback_method else "Not recorded"
        parts.append(_rows([
            ("Outcome", _label(codes.REQUEST_OUTCOME, v.outcome)),
            ("Decided", f"{fmt.uk_datetime(v.decided_at)} by {v.decided_by or 'unknown'}"),
            ("Rationale", v.decision_rationale or ""), ("Hub", v.decision_hub_name or ""),
            ("Social care reference", v.csc_reference or ""),
            ("Episode", f"Episode {v.episode_id} (awaiting allocation when opened)" if v.episode_id else ""),
            ("Existing plan", f"Plan {v.linked_plan_id}" if v.linked_plan_id else ""),
            ("Referrer told", feedback),
        ]))
    else:
        parts.append("<p>Waiting for a decision.</p>")
    return "".join(parts)
