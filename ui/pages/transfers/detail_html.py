"""A transfer as rich text for the detail pane: every DOMAIN §3 field that is filled in, the
revolving-door flags with what they rest on, and the history. Plain functions, no widgets."""

from __future__ import annotations

from html import escape

from hubapp.domain import codes
from hubapp.domain.transfer_dto import TransferDetail
from ui import formatting as fmt


def _row(label: str, value: str | None) -> str:
    if not value:
        return ""
    text = escape(value).replace("\n", "<br>")
    head = f"<td style='color:#5b6470; padding-right:12px; white-space:nowrap'>{escape(label)}</td>"
    return f"<tr>{head}<td>{text}</td></tr>"


def transfer_html(d: TransferDetail) -> str:
    """The detail pane's text for one transfer."""
    r = d.row
    kind = "Step-down from social care" if r.direction == "STEP_DOWN" else "Step-up to social care"
    timescale = (f"{r.age_wd} working days in this state; timescale {r.timescale_wd}" if r.timescale_wd is not None
                 else f"{r.age_wd} working days in this state; no hub timescale runs here")
    flags = "".join(f"<li><b>{escape(f.text)}</b> – {escape(f.detail)}</li>" for f in r.flags)
    decision = ""
    if r.decided_at is not None:
        who = ", ".join(x for x in (r.decided_by, d.decider_role) if x)
        decision = f"{r.outcome_label or r.outcome or ''} by {who} on {fmt.uk_datetime(r.decided_at)}"
    closure = ""
    if d.csc_closure_code:
        closure = f"{d.csc_closure_code} – {codes.label_of(codes.CIN_CLOSURE_REASON, d.csc_closure_code, '')}"
    facts = "".join((
        _row("State", f"{r.status_label} ({timescale})" + (" · information requested" if r.info_requested else "")),
        _row("Requested", f"{fmt.uk_datetime(r.requested_at)} by {r.requested_by}"),
        _row("Children", r.children),
        _row("Reason", r.reason),
        _row("Risk summary", d.risk_summary),
        _row("Outstanding needs", d.outstanding_needs),
        _row("Decision", decision),
        _row("Rationale", d.rationale),
        _row("Declined because", d.decline_reason),
        _row("Escalated", f"{fmt.uk_datetime(d.escalated_at)}: {d.escalation_note or ''}" if d.escalated_at else None),
        _row("Lead practitioner", f"{r.receiving_worker} (allocated {fmt.uk_date(d.allocated_on)})"
             if r.receiving_worker else None),
        _row("Handover meeting", (f"{fmt.uk_date(d.meeting_on)}" + (", with a joint visit" if d.joint_visit else ""))
             if d.meeting_on else None),
        _row("Social care reference", r.csc_reference),
        _row("Social care outcome", d.csc_outcome),
        _row("CIN closure", closure),
        _row("Episode", fmt.status_words(r.episode_status) if r.episode_status else None),
    ))
    history = "".join(
        f"<tr><td style='padding-right:10px; white-space:nowrap'>{escape(fmt.uk_datetime(e.at))}</td>"
        f"<td style='padding-right:10px'>{escape(e.action_label)}</td>"
        f"<td style='padding-right:10px'>{escape(e.by or 'Social care')}</td>"
        f"<td>{escape(' '.join((e.note or '').split()))}</td></tr>"
        for e in d.events
    )
    return (
        f"<h3 style='margin:0'>{escape(r.family_name)} · {escape(kind)}</h3>"
        + (f"<ul style='margin:4px 0 4px 16px; color:#8a4b00'>{flags}</ul>" if flags else "")
        + f"<table cellspacing='2'>{facts}</table>"
        + f"<p style='margin:8px 0 2px 0'><b>History</b></p><table cellspacing='2'>{history}</table>"
    )
