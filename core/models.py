"""Units (the organization tree scoping is about), accounts, the audit chain and background
jobs: the pieces every app shares."""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Role(models.TextChoices):
    STAFF = "staff", _("组织部工作人员")
    REVIEWER = "reviewer", _("容错认定审核人")
    LIAISON = "liaison", _("纪检监察联络人")
    ADMIN = "admin", _("管理员")
    CADRE = "cadre", _("干部本人")


class Unit(models.Model):
    """单位: a node of the jurisdiction's tree (city → district → street/town, departments, SOEs)."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("党委")
        GOVERNMENT_DEPARTMENT = "government_department", _("政府部门")
        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        SOE = "soe", _("国有企业")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")

    class Category(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合管理类")
        ECONOMIC = "economic", _("经济管理类")
        SOCIAL = "social", _("社会管理类")
        VERTICAL = "vertical", _("垂直管理类")
        OPTIMIZED_DEVELOPMENT = "optimized_development", _("优化发展区")
        KEY_DEVELOPMENT = "key_development", _("重点开发区")
        ECOLOGICAL_PROTECTION = "ecological_protection", _("生态保护区")

    name = models.CharField(_("单位名称"), max_length=120)
    code = models.CharField(_("单位代码"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("单位类型"), max_length=30, choices=Kind.choices)
    category = models.CharField(
        _("考核类别"), max_length=30, choices=Category.choices, blank=True, default=""
    )
    # Materialized path of ids, "/1/7/42/": a unit's subtree is path__startswith.
    # Kept by the services; never edited by hand.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    AUDITED = ("name", "code", "parent", "kind", "category")

    class Meta:
        # The table keeps the name it had in cadres: the model moved, the rows did not.
        db_table = "cadres_unit"
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The unit pages are cadres' (a URL name, not an import).
        from django.urls import reverse

        return reverse("cadres:unit-detail", args=[self.pk])


class User(AbstractUser):
    """An account. Its roles say what it may do; its units (and all below them) what it may see."""

    # The person's real name (API.md users/ `name`): pages show it, the login name only where none
    # is recorded (display_name). Blank is allowed in the table for accounts made before it existed;
    # the API and the admin's forms require it.
    name = models.CharField(_("姓名"), max_length=150, blank=True)
    # A program's account (an integration, a nightly export): its tokens live longer
    # (REST_KNOX_API_CLIENT_TOKEN_TTL) than a person's (REST_KNOX["TOKEN_TTL"]).
    is_api_client = models.BooleanField(
        _("接口客户端"),
        default=False,
        help_text=_("供其他系统调用接口的账号，其访问令牌有效期较长。"),
    )
    roles = models.JSONField(_("角色"), default=list, blank=True)
    units = models.ManyToManyField(
        Unit, verbose_name=_("管辖单位"), blank=True, related_name="scoped_users"
    )
    # A cadre's own account is linked from the cadre record (cadres.Cadre.account, reached
    # as `user.cadre`): core holds no key into an app above it.

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def save(self, *args, **kwargs):
        # The Django admin (the catalogs) is for administrators: the role opens it.
        self.is_staff = self.is_superuser or Role.ADMIN in (self.roles or [])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "roles" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        # set_password() keeps the raw password until the save; Django's own rehash on login
        # clears it first, so only a real change counts. Wherever the change comes from (the API,
        # the admin, `changepassword`), a new password or a deactivation ends every API token
        # (knox's AuthToken, reached by its reverse name: core imports no token model).
        revoke_tokens = self.pk is not None and (
            getattr(self, "_password", None) is not None or not self.is_active
        )
        super().save(*args, **kwargs)
        if revoke_tokens:
            self.auth_token_set.all().delete()

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        # The recorded real name first; for accounts made before it, the family name then the
        # given name, the Chinese order (as the header used to show them).
        return self.name or f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        """The real name for pages; the login name only where none is recorded."""
        return self.get_full_name() or self.username

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_admin or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_admin or super().has_module_perms(app_label)

    def has_role(self, role: str) -> bool:
        if self.is_superuser and role == Role.ADMIN:
            return True
        return role in (self.roles or [])

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.has_role(Role.ADMIN)


class AuditEntry(models.Model):
    """One change to one object: who, when, what, from what to what.

    Entries form a single hash chain, in the order of their links' `seq`. An entry is
    written in the transaction that made the change, with `digest`, the hash of its own
    fields, and is never written again. When that transaction commits, a short separate one
    (core.audit.chain_entries) gives it its AuditLink: the next seq and hash = H(version,
    prev_hash, seq, digest), and moves AuditHead. An edited, deleted or truncated entry
    breaks the chain or disagrees with the head (`manage.py audit_verify`).

    hash_version 1 (entries written before the chain was batched) hashed prev_hash,
    object_type, object_id, actor_username, at, action and changes; version 2 hashes every
    field, through the digest: the actor (id and username), the object (type and id), its
    representation, the action, the changes, the time, and the sequence."""

    HASH_VERSION = 2

    # No index of its own: audit_object_idx starts with it. The table keeps only the
    # indexes it reads: each one is written for every entry.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    # The object's type as "app_label.model" when the entry was written. The hash covers
    # this text, not the content type row, so a model that moves to another app (its
    # content type relabelled) leaves every earlier entry verifiable.
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200, blank=True)
    # The actor's id is hashed: an account that acted is deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    changes = models.JSONField(default=dict)
    hash_version = models.PositiveSmallIntegerField(default=HASH_VERSION)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    # The entry's place in the chain, read from its link (None while unchained). Walks
    # select_related("link"); one entry read alone costs a query for it.
    def _link_value(self, name: str):
        try:
            link = self.link
        except AuditLink.DoesNotExist:
            return None
        return getattr(link, name)

    @property
    def seq(self) -> int | None:
        return self._link_value("seq")

    @property
    def prev_hash(self) -> str:
        return self._link_value("prev_hash") or ""

    @property
    def hash(self) -> str:
        return self._link_value("hash") or ""

    def compute_digest(self) -> str:
        """The hash of every field of the entry but its place in the chain (version 2)."""
        return entry_digest(
            self.object_type,
            self.object_id,
            self.object_repr,
            self.actor_id,
            self.actor_username,
            self.at,
            self.action,
            self.changes,
        )

    @staticmethod
    def chain_hash(prev_hash: str, seq: int, digest: str) -> str:
        """The version-2 link: the entry's digest, its sequence and the hash before it, i.e.
        the SHA-256 of the canonical JSON [2, prev_hash, seq, digest]. Written out, as both
        hashes are hex (nothing to escape): it runs for every entry of every batch."""
        return hashlib.sha256(f'[2,"{prev_hash}",{int(seq)},"{digest}"]'.encode()).hexdigest()

    def compute_hash(self, prev_hash: str) -> str:
        """The hash this entry should have after prev_hash, by its own version's formula."""
        if self.hash_version == 1:
            return _sha256_json([
                prev_hash,
                self.object_type,
                int(self.object_id),
                self.actor_username,
                self.at.astimezone(dt.UTC).isoformat(),
                self.action,
                self.changes,
            ])
        if self.hash_version == 2 and self.seq is not None:
            return self.chain_hash(prev_hash, self.seq, self.compute_digest())
        return ""


def entry_digest(object_type, object_id, object_repr, actor_id, actor_username, at, action,
                 changes) -> str:  # fmt: skip
    """AuditEntry.compute_digest, from the values (core.audit hashes rows before they exist):
    the SHA-256 of the canonical JSON list [object_type, object_id, object_repr, actor_id,
    actor_username, at (UTC, ISO 8601), action, changes]."""
    return digest_from_json(
        canonical_json(object_type),
        int(object_id),
        canonical_json(object_repr),
        actor_json(actor_id, actor_username, at),
        canonical_json(action),
        canonical_json(changes),
    )


def canonical_json(value) -> str:
    """The JSON every audit hash is taken over: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def actor_json(actor_id, actor_username, at) -> str:
    """The digest's middle three items, one batch shares them: computed once a batch."""
    iso = at.astimezone(dt.UTC).isoformat()
    return f"{canonical_json(actor_id)},{canonical_json(actor_username)},{canonical_json(iso)}"


def digest_from_json(type_json, object_id: int, repr_json, actor_part, action_json,
                     changes_json) -> str:  # fmt: skip
    """entry_digest from its items' canonical JSON: the list joined by commas, as
    canonical_json writes a list, so a batch encodes each value once."""
    blob = f"[{type_json},{object_id},{repr_json},{actor_part},{action_json},{changes_json}]"
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _sha256_json(payload) -> str:
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


class AuditLink(models.Model):
    """An entry's place in the chain, kept apart from the entry: written once, after the
    entry's transaction committed (core.audit.chain_entries), so the wide entry row is
    written once too. The unique seq refuses a fork; the link's hash covers the entry's
    digest, so the link and the entry are verified together (core.audit.chain_report)."""

    # No foreign key constraint in the database: checking it locks every entry row it names
    # (FOR KEY SHARE), which writes the wide entry pages a second time, the cost the links
    # were moved out to save. The walk joins links to entries: a link whose entry is gone
    # leaves a gap in seq, which chain_report reports as a break (or a head mismatch).
    entry = models.OneToOneField(
        AuditEntry,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="link",
        db_constraint=False,
    )
    seq = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链环")
        verbose_name_plural = _("审计链环")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


class AuditHead(models.Model):
    """The chain's newest link (one row), moved with every append. The walk of the entries
    must end here: entries deleted from the end of the chain leave a chain that is intact
    but shorter than its head. `audit_verify` prints it, for an operator to keep outside."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


class JobStopped(Exception):
    """Raised inside a job's run when it may no longer write: it was cancelled, or another
    attempt took it over after its heartbeat went stale. `job_run` catches it; a handler
    lets it pass (a handler that catches Exception per row must re-raise this one)."""


class Job(models.Model):
    """A long piece of work run by a Celery worker, with progress the pages and the API show.

    A run holds a lease: the claim increments `attempt`, and every later write of that run
    (progress, heartbeat, file, finish) is a conditional UPDATE on the same `attempt` and
    `state=running`, so a run that was taken over or cancelled changes nothing
    (pulpcore's `Task.set_completed` fences its finish the same way). The row is also the
    outbox: `enqueued_at` stays null until the broker accepted the task's message."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")  # created, waiting for a worker
        RUNNING = "running", _("运行中")  # a worker has it, attempt number `attempt`
        DONE = "done", _("已完成")  # finished; result holds the outcome
        FAILED = "failed", _("失败")  # stopped on an error; result holds the message
        CANCELLED = "cancelled", _("已取消")  # stopped at its starter's or an admin's request

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("类型"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.FloatField(_("进度"), default=0.0)
    result = models.JSONField(_("结果"), null=True, blank=True)
    file = models.FileField(
        _("结果文件"), upload_to="jobs/%Y/%m/", max_length=200, blank=True, default=""
    )
    # At most one queued-or-running job per key (the constraint below), e.g. one ledger tally
    # per scope and year; null (not "": NULLs never collide) for jobs that may run side by side.
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True)  # noqa: DJ001
    attempt = models.PositiveIntegerField(_("第几次运行"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # null: not yet with the broker
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the running attempt's last word
    finished_at = models.DateTimeField(null=True, blank=True)

    # Set on the Job job_start returns: True when it is an already active job with the same
    # dedupe key, not a new one.
    reused = False
    # The attempt whose writes this instance makes (set by the claim); fenced writes use it.
    _run_attempt: int | None = None
    # Set when complete()'s transaction has committed: the job is done, by this run.
    _completed = False

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(state__in=["queued", "running"]),
                name="job_one_active_per_dedupe_key",
            ),
        ]
        indexes = [
            # What the sweeper reads every minute: the few active jobs among many finished ones.
            models.Index(fields=["state", "heartbeat_at"], name="job_active_idx",
                         condition=models.Q(state__in=["queued", "running"])),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    def fenced_update(self, **fields) -> None:
        """Write fields of the running attempt this instance claimed; raise JobStopped when the
        job is no longer that attempt's (taken over, cancelled or finished)."""
        if self._run_attempt is None:
            raise JobStopped(f"Job {self.pk} was not claimed by this run")
        mine = Job.objects.filter(pk=self.pk, attempt=self._run_attempt, state=self.State.RUNNING)
        written = mine.update(**fields)
        if not written:
            raise JobStopped(f"Job {self.pk} attempt {self._run_attempt} was taken over")
        for name, value in fields.items():
            setattr(self, name, value)

    def heartbeat(self) -> None:
        """Tell the sweeper this run is alive (call it between chunks when there is no progress to
        report); raises JobStopped when the run must stop. Nothing once the run completed."""
        if not self._completed:
            self.fenced_update(heartbeat_at=timezone.now())

    def complete(self, result) -> None:
        """Mark the job done with `result` inside the caller's transaction, the one that commits
        the job's work: the job is done exactly when its work is, so a cancel can no longer land
        between the two (arriving before, it waits for this row, then finds the job finished:
        409). Raises JobStopped when this run no longer owns the job, and the work rolls back.
        job_run then keeps this result; progress and heartbeats after it are no-ops."""
        from django.db import transaction

        json.dumps(result)  # refused here, inside the work's transaction, not after its commit
        self.fenced_update(state=self.State.DONE, result=result, finished_at=timezone.now(),
                           progress=1.0)
        transaction.on_commit(lambda: setattr(self, "_completed", True))

    def attach_file(self, name: str, content) -> None:
        """Store the run's result file (bytes or a File) with Django's storage; a superseded or
        cancelled run stores nothing (raises JobStopped)."""
        from django.core.files.base import ContentFile, File

        if isinstance(content, (bytes, bytearray)):
            content = ContentFile(bytes(content))
        elif not isinstance(content, File):
            content = File(content)
        field = self._meta.get_field("file")
        stored = field.storage.save(field.generate_filename(self, name), content)
        previous = self.file.name
        try:
            self.fenced_update(file=stored, heartbeat_at=timezone.now())
        except JobStopped:
            field.storage.delete(stored)
            raise
        if previous and previous != stored:
            field.storage.delete(previous)  # an earlier attempt's file


class CalendarYear(models.Model):
    """A year of the official holiday schedule (国务院办公厅节假日安排). Working days are only
    counted in years marked complete: without the schedule a count would be a guess."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(
        _("已完整录入"), default=False,
        help_text=_("录入该年全部法定节假日和调休上班日后勾选；未勾选的年度不参与工作日计算。"))
    source = models.CharField(_("数据来源"), max_length=200, blank=True, default="")

    AUDITED = ("year", "complete", "source")

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class HolidayDay(models.Model):
    """A day that departs from the Monday-to-Friday rule: a statutory holiday (also listed when
    it falls on a weekend, for its name) or a make-up working day on a weekend (调休上班)."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("节日名称"), max_length=40, blank=True, default="")

    AUDITED = ("calendar_year", "date", "is_workday", "name")

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            year = self.calendar_year.year  # set, though maybe not saved yet, by the admin's inline
        except CalendarYear.DoesNotExist:
            return
        if self.date and self.date.year != year:
            raise ValidationError({"date": _("日期须在所属年度之内。")})


class Notification(models.Model):
    """An in-app message to one user: the next person in line for a piece of work."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
        related_name="notifications")
    # A key registered by the sending app (core.notifications.register_kind).
    kind = models.CharField(_("类型"), max_length=60, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, default="")
    link = models.CharField(_("链接"), max_length=300, blank=True, default="")
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Set when the act the notification asked for was performed (by whoever performs it).
    done_at = models.DateTimeField(_("已办理时间"), null=True, blank=True)
    # Set when its email left, so that a task run twice does not send it twice.
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["target_type", "target_id", "kind"], name="notification_target_idx"),
        ]

    def __str__(self) -> str:
        return self.title
