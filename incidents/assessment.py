"""What the app knows about an incident: the data it touches as the ledger records it, the decision of
:func:`incidents.rules.ppc_report_required`, the report deadlines, and which reports are recorded.

The decision is worked out afresh from the ledger each time it is asked, never stored: the pages, the
dashboards, the e-mails, the reminders and closing all read the same answer.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import wareki
from handover import rules as handover_rules
from handover.models import Handover, HandoverLine, Item

from . import rules
from .models import Incident, IncidentEvent
from .rules import DataAtRisk, DataKind, Deadlines, Decision


def _place(item: Item) -> str:
    state = item.get_state_display()
    if item.storage_id and item.storage is not None:
        return _("%(state)s・%(place)s") % {"state": state, "place": item.storage.location}
    return state


def _same_place(a: Item, b: Item) -> bool:
    if a.storage is None or b.storage is None:
        return False
    return "".join(a.storage.location.split()).casefold() == "".join(b.storage.location.split()).casefold()


def _moves(item: Item) -> list[tuple[str, int, dt.datetime]]:
    """(direction, handover number, handed at) of every handover the item travelled on, cancelled ones aside."""
    return [(line.handover.direction, line.handover.number, line.handover.handed_at)
            for line in item.handover_lines.all() if line.handover.status != Handover.Status.CANCELLED]


def _key_problems(medium: Item, notice: Item, *, involved: set[int], elsewhere: dict[int, list[int]]) -> list[str]:
    """Why the password in ``notice`` cannot be taken as safe for ``medium`` (none: it is safe)."""
    names = {"notice": notice.label}
    problems = []
    if notice.pk in involved:
        problems.append(_("パスワード通知書%(notice)sもこの事故に関係している") % names)
    for number in elsewhere.get(notice.pk, []):
        problems.append(_("パスワード通知書%(notice)sは事故 No.%(n)sに関係している") % {**names, "n": number})
    medium_moves = _moves(medium)
    together = sorted({number for direction, number, _when in _moves(notice)
                       for d, n, _w in medium_moves if (d, n) == (direction, number)})
    for number in together:
        problems.append(_("パスワード通知書%(notice)sが媒体と同じ受渡し（No.%(n)s）で渡されている") % {**names, "n": number})
    for direction, number, when in _moves(notice):
        for d, n, medium_when in medium_moves:
            if d == direction and n != number and not handover_rules.separate_occasions(medium_when, when):
                problems.append(_("パスワード通知書%(notice)sが媒体と同じ機会（%(when)s）に受け渡されている")
                                % {**names, "when": wareki(when)})
    problems = list(dict.fromkeys(problems))  # one pair on several occasions says it once each
    if _same_place(medium, notice):
        problems.append(_("パスワード通知書%(notice)sが媒体と同じ場所（%(place)s）に保管されている")
                        % {**names, "place": medium.storage.location})
    return problems


def _key_facts(medium: Item, notice: Item) -> str:
    """What the ledger shows of ``notice`` for the reason, in words that are true of it: kept at the ward and
    never handed over, or handed over apart from the medium (when, on which handover) and where it is now."""
    names = {"notice": notice.label, "place": _place(notice)}
    moves = _moves(notice)
    if not moves:
        return _("パスワード通知書%(notice)sは%(place)sで、区から出ていない") % names
    medium_moves = {(d, n) for d, n, _w in _moves(medium)}
    apart = [(number, when) for direction, number, when in moves if (direction, number) not in medium_moves]
    when = "、".join(_("No.%(n)s %(when)s") % {"n": number, "when": wareki(handed_at)} for number, handed_at in apart)
    return _("パスワード通知書%(notice)sは媒体とは別の機会に受け渡され（%(when)s）、現在は「%(place)s」") % {
        **names, "when": when}


def _exposure_problem(incident: Incident | None, notices: list[Item]) -> str:
    """The reporter's answer to 「データを持つ者がパスワードを知り得るか」 as a reason the key is not safe ("" when
    the answer says it cannot be known)."""
    exposure = incident.password_exposure if incident is not None else ""
    if incident is not None and not incident.password_may_be_known:
        return ""
    if not exposure:
        return _("データを持つ者がパスワードを知り得ないことが報告されていない（報告内容の訂正で答えてください）")
    answer = str(Incident.PasswordExposure(exposure).label).split("：", 1)[-1]
    problem = _("データを持つ者がパスワードを知り得ると報告されている（%(answer)s）") % {"answer": answer}
    unhanded = [n.label for n in notices if not _moves(n)]
    if exposure == Incident.PasswordExposure.SAME_OCCASION and unhanded:
        problem += _("。管理簿ではパスワード通知書%(notices)sは区で保管（未交付）のままのため、管理簿を確かめてください") % {
            "notices": "、".join(unhanded)}
    return problem


def _items_with_history(ids):
    lines = Prefetch("handover_lines", queryset=HandoverLine.objects.select_related("handover"))
    notices = Prefetch("notices", queryset=Item.objects.select_related("storage").prefetch_related(lines))
    return (Item.objects.filter(pk__in=ids).select_related("medium_kind", "storage", "opens__storage")
            .prefetch_related(lines, notices).order_by("label"))


def _notice_incidents(notice_ids) -> list[tuple[int, int, int]]:
    """(item id, incident id, incident number) of every incident touching one of ``notice_ids``, by number."""
    return list(Incident.items.through.objects.filter(item_id__in=notice_ids)
                .values_list("item_id", "incident_id", "incident__number").order_by("incident__number"))


def data_at_risk(*, items, other_data: bool, incident: Incident | None = None, loaded=None,
                 notice_incidents=None) -> tuple[DataAtRisk, ...]:
    """The things an incident touches, each with what the ledger says of its encryption and its key.

    ``loaded`` (the items read with their history, in label order) and ``notice_incidents`` (of
    :func:`_notice_incidents`) when the caller read them for many incidents at once (:func:`assess_many`)."""
    ids = [item.pk for item in items]
    involved = set(ids)
    if loaded is None:
        loaded = list(_items_with_history(ids))
    else:
        loaded = [item for item in loaded if item.pk in involved]
    notice_ids = {n.pk for item in loaded if item.is_medium for n in item.notices.all()}
    if notice_incidents is None:
        notice_incidents = _notice_incidents(notice_ids)
    own = incident.pk if incident is not None and incident.pk else None
    elsewhere: dict[int, list[int]] = {}
    for item_id, incident_id, number in notice_incidents:
        if item_id in notice_ids and incident_id != own:
            elsewhere.setdefault(item_id, []).append(number)

    data = []
    for item in loaded:
        label = str(item)
        if item.is_notice:
            partner = ""
            if item.opens_id and item.opens_id not in involved:
                partner = _("%(label)s：%(place)s") % {"label": item.opens.label, "place": _place(item.opens)}
            data.append(DataAtRisk(label=label, kind=DataKind.NOTICE, partner=partner))
        elif item.is_medium:
            notices = list(item.notices.all())
            problems = []
            for notice in notices:
                problems += _key_problems(item, notice, involved=involved, elsewhere=elsewhere)
            if notices and (exposure := _exposure_problem(incident, notices)):
                problems.append(exposure)
            note = "、".join(_("%(label)s：%(place)s") % {"label": n.label, "place": _place(n)} for n in notices)
            facts = [_key_facts(item, n) for n in notices]
            if notices and incident is not None and not incident.password_may_be_known:
                answer = str(incident.get_password_exposure_display()).split("：", 1)[-1]
                facts.append(_("データを持つ者はパスワードを知り得ないと報告されている（%(answer)s）") % {"answer": answer})
            data.append(DataAtRisk(label=label, kind=DataKind.MEDIUM, encrypted=bool(notices),
                                   key_problems=tuple(problems), key_note=note, key_facts=tuple(facts)))
        else:
            data.append(DataAtRisk(label=label, kind=DataKind.PAPER))
    if other_data:
        data.append(DataAtRisk(label=str(DataKind.OTHER.label), kind=DataKind.OTHER))
    return tuple(data)


def facts_of(incident: Incident, data: tuple[DataAtRisk, ...]) -> rules.Facts:
    return rules.Facts(affected_count=incident.affected_count, sensitive=incident.sensitive,
                       financial_harm=incident.financial_harm, wrongful_purpose=incident.wrongful_purpose,
                       ordinance_sensitive=incident.ordinance_sensitive, data=data)


@dataclass(frozen=True)
class Step:
    """A report the law asks for once an incident is reportable, and whether it is recorded."""

    kind: str
    label: str
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    due_text: str = ""
    done_at: dt.datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.done and self.due_to is not None and today > self.due_to

    @property
    def late(self) -> bool:
        """Recorded, but after its deadline."""
        return self.done and self.due_to is not None and rules.discovered_on(self.done_at) > self.due_to


def preliminary_text(deadlines: Deadlines) -> str:
    return _("%(start)s〜%(end)s（3〜5日以内（目安））") % {
        "start": wareki(deadlines.preliminary_from), "end": wareki(deadlines.preliminary_to)}


def final_text(deadlines: Deadlines) -> str:
    return _("%(day)sまで（%(n)s日以内）") % {"day": wareki(deadlines.final), "n": deadlines.final_days}


@dataclass(frozen=True)
class Assessment:
    incident: Incident
    data: tuple[DataAtRisk, ...]
    decision: Decision
    deadlines: Deadlines | None
    steps: tuple[Step, ...]

    @property
    def missing(self) -> list[Step]:
        return [step for step in self.steps if not step.done]

    def next_due(self) -> Step | None:
        """The first report still to record that has a deadline."""
        return next((step for step in self.steps if not step.done and step.due_to is not None), None)

    def overdue(self, today: dt.date | None = None) -> list[Step]:
        return [step for step in self.steps if step.overdue(today)]


def _first(events, kind) -> dt.datetime | None:
    moments = [e.happened_at for e in events if e.kind == kind]
    return min(moments) if moments else None


def assess(incident: Incident, *, events=None, loaded=None, notice_incidents=None) -> Assessment:
    """The decision, deadlines and recorded reports of ``incident`` as things stand."""
    data = data_at_risk(items=list(incident.items.all()), other_data=incident.other_data, incident=incident,
                        loaded=loaded, notice_incidents=notice_incidents)
    decision = rules.ppc_report_required(facts_of(incident, data))
    deadlines = rules.deadlines(incident.discovered_at, decision)
    steps: tuple[Step, ...] = ()
    if deadlines is not None:
        events = list(incident.events.all()) if events is None else list(events)
        kinds = IncidentEvent.Kind
        steps = (
            Step(kinds.PPC_PRELIMINARY, _("速報（個人情報保護委員会）"), deadlines.preliminary_from,
                 deadlines.preliminary_to, preliminary_text(deadlines), _first(events, kinds.PPC_PRELIMINARY)),
            Step(kinds.PPC_FINAL, _("確報（個人情報保護委員会）"), None, deadlines.final, final_text(deadlines),
                 _first(events, kinds.PPC_FINAL)),
            # 法第68条第2項 sets no number of days: the notice goes to the people as soon as it can.
            Step(kinds.PERSONS_NOTIFIED, _("本人への通知（又は代わりの措置）"), None, None, _("速やかに"),
                 _first(events, kinds.PERSONS_NOTIFIED)),
        )
    return Assessment(incident=incident, data=data, decision=decision, deadlines=deadlines, steps=steps)


def assess_many(incidents) -> dict[int, Assessment]:
    """{incident id: :func:`assess`} of several incidents in a fixed number of queries, whatever their number (the
    register of every contract asks for all the open ones): the same answer as :func:`assess` of each."""
    incidents = list(Incident.objects.filter(pk__in=[i.pk for i in incidents]).prefetch_related("items", "events"))
    ids = {item.pk for incident in incidents for item in incident.items.all()}
    loaded = list(_items_with_history(ids)) if ids else []
    notice_ids = {n.pk for item in loaded if item.is_medium for n in item.notices.all()}
    notice_incidents = _notice_incidents(notice_ids) if notice_ids else []
    return {incident.pk: assess(incident, loaded=loaded, notice_incidents=notice_incidents) for incident in incidents}
