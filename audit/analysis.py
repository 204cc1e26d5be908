"""The monthly analysis of the access log, for the ward's auditors.

The seed's checklist, system item 08 on both sides: 「システム・ネットワークの状態、機器操作、サービス利用等の
監視及びアクセスログ等を取得する。取得したログは、定期的に分析する。」 The app keeps the log (the audit trail);
this module reads one month of it the way an auditor looks for trouble, in five sections:

- failed sign-ins (wrong password, wrong code) and lockouts, by account and address;
- downloads and exports of personal data (the actions ``audit.formatting.personal_data_downloads()``
  lists), by person, and the hours in which one person downloaded most;
- what people did outside office hours (settings.OFFICE_HOURS, Monday to Friday, Asia/Tokyo);
- accounts still open but unused for 90 days by the month's end;
- what was done in the Django admin.

The auditor records that the month was analysed, with a note (:func:`analysis_record`, audited). An auditor
whose own actions the month's analysis shows (a failed sign-in, a download, work outside office hours, work
in the admin) reviews them too: they may record it only by declaring so, with a reason, which the record,
the page and the checklist's evidence keep (:func:`own_actions`). That record is the app's live evidence for item 08 of
the ward's checklist (:func:`analysis_evidence`), by this rule:
met while last month or this month (Asia/Tokyo) has been analysed; unmet when no month ever was, and
stale (unmet, naming the last month analysed) when the last analysis is of an older month.

Each section is one or two aggregate queries over the month's entries the auditor may read
(:func:`audit.selectors.audit_entries_for`), so the page stays quick on a year of busy months.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, IntegerField, Max, Min, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMinute,
    TruncDate,
    TruncHour,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import bounds
from core.dates import era_year, wareki_datetime
from core.errors import DomainError

from .formatting import person_name, personal_data_downloads, present
from .models import AuditEntry, LogAnalysis
from .permissions import may_analyse_log
from .selectors import audit_entries_for
from .services import audit_log

TOKYO = ZoneInfo("Asia/Tokyo")
UNUSED_AFTER = dt.timedelta(days=90)
# Failed sign-ins, and which column of the table each counts in.
FAILED_SIGN_INS = {
    "auth.login_failed": "password",
    "auth.otp.failed": "code",
    "auth.otp.enrol_failed": "code",
    "auth.otp.throttled": "lockout",
    "auth.locked_out": "lockout",
    "auth.requests.throttled": "lockout",
}
ADMIN_PREFIX = "admin."
# The admin's entries shown one by one; beyond this the page says how many more there were.
ADMIN_ROWS = 200
# The person-hours with the most downloads shown.
BUSIEST_HOURS = 20


# --- months ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, when: dt.datetime | dt.date) -> "Month":
        if isinstance(when, dt.datetime):
            when = when.astimezone(TOKYO)
        return cls(when.year, when.month)

    @classmethod
    def current(cls) -> "Month":
        return cls.of(timezone.now())

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=TOKYO)

    @property
    def end(self) -> dt.datetime:
        """The first moment of the next month (exclusive)."""
        return self.next().start

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """令和8年4月 (平成31年4月, 令和元年5月)."""
        try:
            era, number = era_year(self.first_day)
        except ValueError:
            return f"{self.year}年{self.month}月"
        return f"{era}{'元' if number == 1 else number}年{self.month}月"

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Whether the month has begun (only a month that has can be analysed)."""
        return self.start <= (now or timezone.now())


def month_or_none(year: int, month: int) -> Month | None:
    """A month that may be asked for: a real one, within the app's dates, begun by now."""
    if not 1 <= month <= 12 or not bounds.DATE_MIN.year <= year <= bounds.DATE_MAX.year:
        return None
    found = Month(year, month)
    return found if found.is_open() else None


# --- office hours ---------------------------------------------------------------------------------


def office_hours() -> tuple[int, int]:
    """settings.OFFICE_HOURS as minutes of the day (start, end); the settings module checked its form."""
    start, end = (int(h) * 60 + int(m) for h, m in re.findall(r"(\d\d):(\d\d)", settings.OFFICE_HOURS))
    return start, end


def office_hours_text() -> str:
    start, end = settings.OFFICE_HOURS.split("-")
    return _("平日（月曜日〜金曜日）%(start)s〜%(end)s（日本時間）") % {"start": start, "end": end}


def outside_office_hours() -> Q:
    """Entries (annotated by :func:`_with_local_time`) made on a Saturday or Sunday or outside the hours."""
    start, end = office_hours()
    return Q(local_weekday__gte=6) | Q(local_minute__lt=start) | Q(local_minute__gte=end)


def _with_local_time(entries):
    return entries.annotate(
        local_weekday=ExtractIsoWeekDay("created_at", tzinfo=TOKYO),
        local_minute=ExtractHour("created_at", tzinfo=TOKYO) * 60 + ExtractMinute("created_at", tzinfo=TOKYO),
    )


# --- the analysis ---------------------------------------------------------------------------------


@dataclass
class SignInRow:
    account: str
    address: str
    password: int = 0
    code: int = 0
    lockout: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.password + self.code + self.lockout


@dataclass
class PersonRow:
    person: str
    count: int
    days: int
    first: dt.datetime
    last: dt.datetime
    busiest: tuple[dt.datetime, int] | None = None


@dataclass
class HourRow:
    person: str
    hour: dt.datetime
    count: int


@dataclass
class UnusedRow:
    person: str
    organisation: str
    last_login: dt.datetime | None
    joined: dt.datetime


@dataclass
class Analysis:
    month: Month
    until: dt.datetime  # the month's end, or now for the month in progress
    sign_ins: list[SignInRow] = field(default_factory=list)
    downloads: list[PersonRow] = field(default_factory=list)
    busiest_hours: list[HourRow] = field(default_factory=list)
    after_hours: list[PersonRow] = field(default_factory=list)
    unused: list[UnusedRow] = field(default_factory=list)
    admin_rows: list = field(default_factory=list)
    admin_count: int = 0
    admin_people: list[tuple[str, int]] = field(default_factory=list)

    @property
    def in_progress(self) -> bool:
        return self.until < self.month.end

    def figures(self) -> dict[str, int]:
        """The counts the record keeps: what the auditor saw, without a name or an address."""
        return {
            "failed_sign_ins": sum(r.password + r.code for r in self.sign_ins),
            "lockouts": sum(r.lockout for r in self.sign_ins),
            "downloads": sum(r.count for r in self.downloads),
            "after_hours": sum(r.count for r in self.after_hours),
            "unused_accounts": len(self.unused),
            "admin_actions": self.admin_count,
        }


def _people(ids) -> dict[int, object]:
    users = get_user_model().objects.filter(pk__in={i for i in ids if i is not None}).select_related(
        "profile__organisation")
    return {user.pk: user for user in users}


def _sign_ins(entries) -> list[SignInRow]:
    # A summary entry (accounts.attempts) stands for the ``repeated`` failures after the first of its minute.
    weight = Coalesce(Cast(KT("payload__repeated"), IntegerField()), Value(1))
    grouped = (entries.filter(action__in=FAILED_SIGN_INS).values("actor_id", "actor_label", "ip_address", "action")
               .annotate(n=Sum(weight), first=Min("created_at"), last=Max("created_at")).order_by())
    grouped = list(grouped)
    # A failed password names no actor, only what was typed as the user name: read it as a user name, never
    # show it as typed (a password typed into the name field would leak), as the log page does.
    typed = {row["actor_label"] for row in grouped if row["actor_id"] is None and row["actor_label"]}
    by_username = {u.username: u for u in get_user_model().objects.filter(username__in=typed)
                   .select_related("profile")}
    people = _people(row["actor_id"] for row in grouped)
    rows: dict[tuple, SignInRow] = {}
    for row in grouped:
        user = people.get(row["actor_id"]) or by_username.get(row["actor_label"])
        if user is not None:
            key, account = ("user", user.pk), person_name(user)
        elif row["actor_label"]:
            key, account = ("unknown",), _("登録のない利用者名")
        else:
            key, account = ("blank",), _("（利用者名なし）")
        address = row["ip_address"] or ""
        found = rows.setdefault((key, address), SignInRow(account=account, address=address or _("不明")))
        column = FAILED_SIGN_INS[row["action"]]
        setattr(found, column, getattr(found, column) + row["n"])
        found.first = min(filter(None, (found.first, row["first"])))
        found.last = max(filter(None, (found.last, row["last"])))
    return sorted(rows.values(), key=lambda r: (-r.lockout, -r.total, r.account, r.address))


def _by_person(entries, people) -> list[PersonRow]:
    rows = (entries.values("actor_id").annotate(
        n=Count("pk"), first=Min("created_at"), last=Max("created_at"),
        days=Count(TruncDate("created_at", tzinfo=TOKYO), distinct=True)).order_by())
    result = [PersonRow(person=person_name(people.get(row["actor_id"])), count=row["n"], days=row["days"],
                        first=row["first"], last=row["last"]) for row in rows]
    return sorted(result, key=lambda r: (-r.count, r.person))


def _downloads(entries) -> tuple[list[PersonRow], list[HourRow]]:
    downloads = entries.filter(action__in=personal_data_downloads(), actor__isnull=False)
    hours = list(downloads.annotate(hour=TruncHour("created_at", tzinfo=TOKYO)).values("actor_id", "hour")
                 .annotate(n=Count("pk")).order_by())
    people = _people(row["actor_id"] for row in hours)
    by_person = _by_person(downloads, people)
    busiest: dict[str, tuple[dt.datetime, int]] = {}
    hour_rows = []
    for row in hours:
        name = person_name(people.get(row["actor_id"]))
        hour_rows.append(HourRow(person=name, hour=row["hour"], count=row["n"]))
        if name not in busiest or row["n"] > busiest[name][1]:
            busiest[name] = (row["hour"], row["n"])
    for row in by_person:
        row.busiest = busiest.get(row.person)
    hour_rows.sort(key=lambda r: (-r.count, r.hour, r.person))
    return by_person, hour_rows[:BUSIEST_HOURS]


def _after_hours(entries) -> list[PersonRow]:
    outside = _with_local_time(entries.filter(actor__isnull=False)).filter(outside_office_hours())
    ids = outside.values_list("actor_id", flat=True).distinct().order_by()
    return _by_person(outside, _people(ids))


def _unused(until: dt.datetime) -> list[UnusedRow]:
    """Accounts open at ``until`` whose last sign-in (by the audit trail) is more than 90 days before it,
    or that never signed in though opened more than 90 days before it."""
    cutoff = until - UNUSED_AFTER
    last_logins = dict(AuditEntry.objects.filter(action="auth.login", created_at__lt=until, actor__isnull=False)
                       .values("actor_id").annotate(last=Max("created_at")).values_list("actor_id", "last")
                       .order_by())
    rows = []
    for user in (get_user_model().objects.filter(is_active=True, date_joined__lt=cutoff)
                 .select_related("profile__organisation")):
        last = last_logins.get(user.pk)
        if last is not None and last >= cutoff:
            continue
        profile = getattr(user, "profile", None)
        rows.append(UnusedRow(person=person_name(user), organisation=str(profile.organisation) if profile else "",
                              last_login=last, joined=user.date_joined))
    return sorted(rows, key=lambda r: (r.last_login or r.joined, r.person))


def _admin(entries, analysis: Analysis) -> None:
    admin = entries.filter(action__startswith=ADMIN_PREFIX)
    analysis.admin_count = admin.count()
    if not analysis.admin_count:
        return
    analysis.admin_rows = present(admin.order_by("seq")[:ADMIN_ROWS])
    counts = admin.values("actor_id").annotate(n=Count("pk")).order_by()
    people = _people(row["actor_id"] for row in counts)
    analysis.admin_people = sorted(((person_name(people.get(row["actor_id"])) or _("システム"), row["n"])
                                    for row in counts), key=lambda r: (-r[1], r[0]))


def analyse(user, month: Month) -> Analysis:
    """The month's analysis as ``user`` may read it (the contracts they audit, and the security log)."""
    until = min(month.end, timezone.now())
    entries = audit_entries_for(user).filter(created_at__gte=month.start, created_at__lt=month.end).order_by()
    analysis = Analysis(month=month, until=until)
    analysis.sign_ins = _sign_ins(entries)
    analysis.downloads, analysis.busiest_hours = _downloads(entries)
    analysis.after_hours = _after_hours(entries)
    analysis.unused = _unused(until)
    _admin(entries, analysis)
    return analysis


# --- the recorder's own actions --------------------------------------------------------------------


def own_actions(user, month: Month) -> dict[str, int]:
    """The recorder's own entries among those the month's analysis shows, by section (only sections with
    any): failed sign-ins and lockouts, downloads of personal data, actions outside office hours, the
    admin's work. Signing in during office hours is not one: every auditor does."""
    entries = audit_entries_for(user).filter(created_at__gte=month.start, created_at__lt=month.end).order_by()
    mine = entries.filter(actor=user)
    found = {
        "failed_sign_ins": entries.filter(action__in=FAILED_SIGN_INS).filter(
            Q(actor=user) | Q(actor__isnull=True, actor_label=user.get_username())).count(),
        "downloads": mine.filter(action__in=personal_data_downloads()).count(),
        "after_hours": _with_local_time(mine).filter(outside_office_hours()).count(),
        "admin_actions": mine.filter(action__startswith=ADMIN_PREFIX).count(),
    }
    return {section: n for section, n in found.items() if n}


# The figures of a month's analysis, as its audit entry and the own-actions declaration name them.
ANALYSIS_FIGURES = {
    "failed_sign_ins": gettext_lazy("ログインの失敗"),
    "lockouts": gettext_lazy("ロックアウト"),
    "downloads": gettext_lazy("個人情報の出力"),
    "after_hours": gettext_lazy("執務時間外の操作"),
    "unused_accounts": gettext_lazy("90日以上使われていないアカウント"),
    "admin_actions": gettext_lazy("管理画面での操作"),
}


def own_actions_text(counts: dict) -> str:
    """「ログインの失敗 1件、管理画面での操作 3件」."""
    return "、".join(_("%(what)s %(n)s件") % {"what": label, "n": counts[key]}
                    for key, label in ANALYSIS_FIGURES.items() if counts.get(key))


def _own_actions_declared(*, own: dict, declared: bool, reason: str) -> str:
    """The reason kept with the record: required, with the declaration, when the month shows the recorder's
    own actions; nothing otherwise."""
    if not own:
        return ""
    if not declared:
        raise DomainError(_(
            "この月の記録には、あなた自身の操作（%(what)s）が含まれています。自分の操作を自分で分析することになるため、"
            "「自分自身の操作が含まれることを申告する」にチェックを入れて理由を書くか、ほかの監査担当に分析を依頼してください。")
            % {"what": own_actions_text(own)}, field="own_actions_declared")
    if not reason:
        raise DomainError(_("自分自身の操作を含む月を分析する理由を入力してください"
                            "（例: 監査担当が一人のため。自分の操作は課長が確認した）。"), field="own_actions_reason")
    return reason


# --- the record -----------------------------------------------------------------------------------


def records_of(month: Month):
    return LogAnalysis.objects.filter(month=month.first_day).select_related("recorded_by__profile").order_by(
        "recorded_at")


@transaction.atomic
def analysis_record(*, month: Month, actor, note: str, own_actions_declared: bool = False,
                    own_actions_reason: str = "", request=None) -> LogAnalysis:
    """The auditor records that ``month`` was analysed, with a note (seed 別紙 system item 08:
    取得したログは、定期的に分析する). The figures of the analysis as it reads now are kept with it. A month
    whose analysis shows the recorder's own actions is recorded only with their declaration and reason."""
    may_analyse_log(actor).require()
    if not month.is_open():
        raise DomainError(_("まだ始まっていない月の分析は記録できません。"))
    note = (note or "").strip()
    reason = (own_actions_reason or "").strip()
    bounds.check_values(LogAnalysis, note=note, own_actions_reason=reason)
    if not note:
        raise DomainError(_("分析の所見を入力してください（例: 失敗したログインは入力誤りによるもので、不審なものはなかった）。"),
                          field="note")
    own = own_actions(actor, month)
    reason = _own_actions_declared(own=own, declared=bool(own_actions_declared), reason=reason)
    figures = analyse(actor, month).figures()
    record = LogAnalysis.objects.create(month=month.first_day, recorded_at=timezone.now(), recorded_by=actor,
                                        note=note, figures=figures, own_actions=own, own_actions_reason=reason)
    payload = {"month": month.key, "note": note, **figures}
    if own:
        payload.update(own_actions=own, own_actions_reason=reason)
    audit_log(action="audit.analysis.recorded", actor=actor, obj=record, request=request, payload=payload)
    return record


def own_actions_declaration(record: LogAnalysis) -> str:
    """How a record's declaration reads on the page and in the checklist's evidence; "" without one."""
    if not record.own_actions:
        return ""
    return _("分析者自身の操作（%(what)s）を含む月です。分析者の申告:「%(reason)s」") % {
        "what": own_actions_text(record.own_actions), "reason": record.own_actions_reason}


# --- live evidence for the checklist --------------------------------------------------------------


def analysis_evidence(contract):
    """System item 08 (取得したログは、定期的に分析する) of the ward's side, for every contract alike (the log is
    the installation's): met while last month or this month (Asia/Tokyo) has been analysed; unmet when no
    month ever was; stale (unmet) when the last month analysed is older than last month."""
    from core.evidence import Evidence

    latest = LogAnalysis.objects.order_by("-month", "-recorded_at").first()
    due = Month.current().previous()
    if latest is None:
        return Evidence(met=False, summary=_(
            "アクセスログを分析した記録がありません（監査担当が毎月、前月分を分析して記録します）。"))
    analysed = Month.of(latest.month)
    words = {"month": analysed.label, "when": wareki_datetime(latest.recorded_at), "due": due.label}
    declaration = own_actions_declaration(latest)
    if analysed.first_day >= due.first_day:
        return Evidence(met=True, summary=_("%(month)s分のアクセスログを監査担当が分析しました（%(when)s 記録）。")
                        % words + declaration)
    return Evidence(met=False, summary=_(
        "最後に分析したアクセスログは%(month)s分（%(when)s 記録）で、%(due)s分の分析が記録されていません。") % words
        + declaration)


def register_evidence() -> None:
    from core import evidence

    # Only the ward's side: the log analysed is this app's, the ward's system. The contractor's item 08 is
    # about the contractor's own systems, which these records do not describe, so it has no provider until
    # the contractor's own records exist (issue 14, C.7): attestation only, never flagged from the ward's log.
    evidence.register("ward.system.08", analysis_evidence)


def waiting_analysis(user) -> list:
    """On an auditor's dashboard while last month (and this month) has not been analysed."""
    from core.dashboard import Waiting

    if not may_analyse_log(user):
        return []
    due = Month.current().previous()
    if LogAnalysis.objects.filter(month__gte=due.first_day).exists():
        return []
    return [Waiting(title=_("%(month)s分のアクセスログを分析して記録する") % {"month": due.label},
                    url=reverse("audit:analysis_month", kwargs={"year": due.year, "month": due.month}))]
