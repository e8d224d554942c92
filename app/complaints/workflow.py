"""The complaint workflow as one table, and nothing else. No I/O: the service asks it,
GET /v1/workflow serves it.

Each row says: from this state, this action leads to that state, and needs that permission.
The policy table (app.kit.permissions) says which roles hold which permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.kit.permissions import Permission


class Status(StrEnum):
    submitted = "submitted"
    acknowledged = "acknowledged"
    under_assessment = "under_assessment"
    inadmissible = "inadmissible"
    referred = "referred"
    under_investigation = "under_investigation"
    hearing = "hearing"
    mediation = "mediation"
    findings_issued = "findings_issued"
    remedy_follow_up = "remedy_follow_up"
    closed = "closed"
    withdrawn = "withdrawn"


class Action(StrEnum):
    acknowledge = "acknowledge"
    start_assessment = "start_assessment"
    declare_inadmissible = "declare_inadmissible"
    refer = "refer"
    open_investigation = "open_investigation"
    schedule_hearing = "schedule_hearing"
    conclude_hearing = "conclude_hearing"
    start_mediation = "start_mediation"
    end_mediation = "end_mediation"
    issue_findings = "issue_findings"
    recommend_remedies = "recommend_remedies"
    give_feedback = "give_feedback"
    close = "close"
    close_as_stale = "close_as_stale"
    withdraw = "withdraw"
    reopen = "reopen"


STATE_DESCRIPTIONS: dict[Status, str] = {
    Status.submitted: "Received; the acknowledgement deadline runs.",
    Status.acknowledged: "Receipt acknowledged to the complainant.",
    Status.under_assessment: "Initial assessment: mandate, admissibility, severity, urgency.",
    Status.inadmissible: "Outside the mandate or not admissible; the complainant is told why.",
    Status.referred: "Transmitted to the competent body; the complainant is told which.",
    Status.under_investigation: "Investigation under way.",
    Status.hearing: "A hearing is scheduled or in progress.",
    Status.mediation: "Amicable settlement (mediation) under way.",
    Status.findings_issued: "Findings issued and communicated.",
    Status.remedy_follow_up: "Remedies recommended; implementation is followed up.",
    Status.closed: "Closed.",
    Status.withdrawn: "Withdrawn by or on behalf of the complainant.",
}

# States in which an investigation is open: steps can be recorded, the plan revised.
INVESTIGATING: frozenset[Status] = frozenset(
    {Status.under_investigation, Status.hearing, Status.mediation}
)


# States in which the case is finished; `reopen` leads out of them.
TERMINAL: frozenset[Status] = frozenset(
    {Status.inadmissible, Status.referred, Status.closed, Status.withdrawn}
)
OPEN: frozenset[Status] = frozenset(Status) - TERMINAL


class Guard(StrEnum):
    """Conditions a transition checks beyond the state (evaluated in SQL by the service)."""

    investigation_has_step = "investigation_has_step"
    findings_drafted = "findings_drafted"
    remedies_recommended = "remedies_recommended"
    decision_communicated = "decision_communicated"
    remedies_assessed = "remedies_assessed"
    hearing_scheduled = "hearing_scheduled"
    hearing_held = "hearing_held"
    mediation_settled = "mediation_settled"
    mediation_failed = "mediation_failed"
    untouched = "untouched"


GUARD_DESCRIPTIONS: dict[Guard, str] = {
    Guard.investigation_has_step: "The investigation has at least one recorded step.",
    Guard.findings_drafted: "The findings have been written (PUT .../findings).",
    Guard.remedies_recommended: "At least one remedy has been drafted (POST .../remedies).",
    Guard.decision_communicated: "The findings were communicated to the complainant.",
    Guard.remedies_assessed: "Every remedy has the office's final assessment.",
    Guard.hearing_scheduled: "A hearing is scheduled (POST .../hearings).",
    Guard.hearing_held: "No hearing is pending: each was held (with minutes) or cancelled.",
    Guard.mediation_settled: "This mediation ended in a settlement (POST .../mediation-attempts).",
    Guard.mediation_failed: "This mediation was recorded as failed (POST .../mediation-attempts).",
    Guard.untouched: "Nothing has changed on the case for OMBUDS_STALE_AFTER_MONTHS months.",
}


@dataclass(frozen=True, slots=True)
class Transition:
    source: Status
    action: Action
    target: Status
    permission: Permission
    reason_required: bool = False
    visible_to_complainant: bool = True
    acknowledges: bool = False  # satisfies the acknowledgement deadline
    gives_feedback: bool = False  # satisfies the feedback deadline (art. 9(1)(f))
    decides: bool = False  # the office's decision: meets the decision deadline
    names_competent_body: bool = False  # a referral says to whom (Paris Principles)
    guards: tuple[Guard, ...] = ()


def _rows() -> list[Transition]:
    # pragma: no mutate block (run once at import, before a mutant can be switched on; the
    # table is checked against a literal copy in tests/complaints/test_workflow.py)
    S, A, P = Status, Action, Permission
    rows = [
        Transition(
            S.submitted, A.acknowledge, S.acknowledged, P.complaint_acknowledge, acknowledges=True
        ),
        Transition(S.acknowledged, A.start_assessment, S.under_assessment, P.complaint_assess),
        Transition(
            S.under_assessment,
            A.declare_inadmissible,
            S.inadmissible,
            P.complaint_decide,
            reason_required=True,
            gives_feedback=True,
            decides=True,
        ),
        Transition(
            S.under_assessment,
            A.refer,
            S.referred,
            P.complaint_decide,
            reason_required=True,
            gives_feedback=True,
            decides=True,
            names_competent_body=True,
        ),
        Transition(
            S.under_assessment, A.open_investigation, S.under_investigation, P.complaint_investigate
        ),
        Transition(
            S.under_investigation,
            A.schedule_hearing,
            S.hearing,
            P.complaint_investigate,
            guards=(Guard.hearing_scheduled,),
        ),
        Transition(
            S.hearing,
            A.conclude_hearing,
            S.under_investigation,
            P.complaint_investigate,
            guards=(Guard.hearing_held,),
        ),
        Transition(S.under_assessment, A.start_mediation, S.mediation, P.complaint_investigate),
        Transition(S.under_investigation, A.start_mediation, S.mediation, P.complaint_investigate),
        Transition(
            S.mediation,
            A.end_mediation,
            S.under_investigation,
            P.complaint_investigate,
            reason_required=True,
            guards=(Guard.mediation_failed,),
        ),
        Transition(
            S.under_investigation,
            A.issue_findings,
            S.findings_issued,
            P.complaint_decide,
            gives_feedback=True,
            decides=True,
            guards=(Guard.investigation_has_step, Guard.findings_drafted),
        ),
        Transition(
            S.mediation,
            A.issue_findings,
            S.findings_issued,
            P.complaint_decide,
            gives_feedback=True,
            decides=True,
            guards=(Guard.mediation_settled, Guard.findings_drafted),
        ),
        Transition(
            S.findings_issued,
            A.recommend_remedies,
            S.remedy_follow_up,
            P.complaint_decide,
            guards=(Guard.remedies_recommended,),
        ),
        Transition(
            S.findings_issued,
            A.close,
            S.closed,
            P.complaint_close,
            guards=(Guard.decision_communicated,),
        ),
        Transition(
            S.remedy_follow_up,
            A.close,
            S.closed,
            P.complaint_close,
            guards=(Guard.decision_communicated, Guard.remedies_assessed),
        ),
    ]
    # Feedback on the action envisaged or taken, without a change of state (art. 9(1)(f)).
    for source in (
        S.acknowledged,
        S.under_assessment,
        S.under_investigation,
        S.hearing,
        S.mediation,
        S.findings_issued,
        S.remedy_follow_up,
    ):
        rows.append(
            Transition(
                source,
                A.give_feedback,
                source,
                P.complaint_feedback,
                reason_required=True,
                gives_feedback=True,
            )
        )
    # A complainant may withdraw an open case at any time; staff may record it on their behalf.
    for source in sorted(OPEN):
        rows.append(Transition(source, A.withdraw, S.withdrawn, P.complaint_withdraw))
    # A case nobody has moved for OMBUDS_STALE_AFTER_MONTHS (the complainant unreachable, the
    # matter gone): closed as stale, with reasons the complainant sees; it then gets its
    # retention date like any finished case, and can be reopened.
    for source in sorted(OPEN):
        rows.append(
            Transition(
                source,
                A.close_as_stale,
                S.closed,
                P.complaint_close,
                reason_required=True,
                guards=(Guard.untouched,),
            )
        )
    # Reopening a finished case is a decision of the head of office.
    for source in sorted(TERMINAL):
        rows.append(
            Transition(
                source, A.reopen, S.under_assessment, P.complaint_reopen, reason_required=True
            )
        )
    return rows


TRANSITIONS: dict[tuple[Status, Action], Transition] = {(t.source, t.action): t for t in _rows()}


def transition_for(source: Status, action: Action) -> Transition | None:
    """The row for this state and action, or None when the action is not allowed from it."""
    return TRANSITIONS.get((source, action))


# Each action needs the same permission from every state it is allowed from (a test checks it).
ACTION_PERMISSIONS: dict[Action, Permission] = {
    t.action: t.permission for t in TRANSITIONS.values()
}


def permission_for(action: Action) -> Permission:
    return ACTION_PERMISSIONS[action]


def mermaid() -> str:
    """The workflow as a mermaid state diagram (README), generated from the table itself."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.submitted.value}"]
    edges: dict[tuple[Status, Status], list[str]] = {}
    for t in TRANSITIONS.values():
        if t.target is not t.source and t.action not in (Action.withdraw, Action.close_as_stale):
            label = t.action.value + (" *" if t.guards else "")
            edges.setdefault((t.source, t.target), []).append(label)
    for (source, target), labels in edges.items():
        lines.append(f"    {source.value} --> {target.value}: {', '.join(labels)}")
    lines.append("    note right of withdrawn: withdraw, from every open state")
    lines.append("    note right of closed: also close_as_stale *, from every open state")
    for state in sorted(TERMINAL):
        if state is not Status.withdrawn:
            lines.append(f"    {state.value} --> [*]")
    lines.append("    withdrawn --> [*]")
    return "\n".join(lines)
