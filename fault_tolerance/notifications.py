"""The notifications fault tolerance sends: their kinds (registered with core.notifications in
AppConfig.ready), templates (templates/notifications/fault_tolerance/<kind>.txt: the subject
on the first line, then the body), and which act marks each one done."""

from enum import StrEnum

from core.notifications import register_kind


class Kind(StrEnum):
    INTAKE = "ft.intake"  # staff: take the case in (受理) or reject it
    INVESTIGATE = "ft.investigate"  # staff: the case is accepted, investigate it
    REJECTED = "ft.rejected"  # the filer and the cadre: not accepted
    OPINION_REQUESTED = "ft.opinion"  # the liaison: give the discipline opinion
    VOTE_REQUESTED = "ft.vote"  # the panel: vote
    DECIDED = "ft.decided"  # staff: notify the decision
    NOTIFIED = "ft.notified"  # the filer and the cadre: the decision
    APPEAL_VOTE_REQUESTED = "ft.appeal_vote"  # the appeal panel and staff: review the appeal
    CLOSED = "ft.closed"  # the filer and the cadre: closed
    CORRECTION_ASSIGNED = "ft.correction"  # the assignee: record the correction step


# The kinds that ask their recipient to act.
ASKS_ACTION = {
    Kind.INTAKE,
    Kind.INVESTIGATE,
    Kind.OPINION_REQUESTED,
    Kind.VOTE_REQUESTED,
    Kind.DECIDED,
    Kind.APPEAL_VOTE_REQUESTED,
    Kind.CORRECTION_ASSIGNED,
}


def register() -> None:
    for kind in Kind:
        register_kind(
            kind,
            template=f"notifications/fault_tolerance/{kind.value.removeprefix('ft.')}.txt",
            asks_action=kind in ASKS_ACTION,
        )
