"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""


# appraisal ----
# A closed 民主测评 of a Heshan unit, replayed at fixed dates through the services: opened,
# ballots cast, closed, sealed. The codes are used here and dropped: none is printed or kept.
import datetime as _dt  # noqa: E402
import random as _random  # noqa: E402
from zoneinfo import ZoneInfo as _ZoneInfo  # noqa: E402

from cadres.demo import DemoContext as _DemoContext  # noqa: E402
from cadres.demo import register as _register  # noqa: E402

_APPRAISAL_YEAR = 2025
_SHANGHAI = _ZoneInfo("Asia/Shanghai")


def _appraisal_loaded() -> bool:
    from .models import AppraisalRound

    return AppraisalRound.objects.filter(unit__path__startswith=_heshan_path(),
                                         year=_APPRAISAL_YEAR).exists()


def _heshan_path() -> str:
    from core.models import Unit

    heshan = Unit.objects.filter(code="JM-HS").first()
    return heshan.path if heshan else "\0"


@_register(name="assessments.appraisal", order=60, is_loaded=_appraisal_loaded)
def load_appraisal(ctx: _DemoContext) -> str:
    from cadres.models import Cadre
    from core.models import Unit

    from .models import Rating
    from .services.appraisal import appraisal_open, appraisal_seal, ballot_cast

    units = Unit.objects.filter(path__startswith=_heshan_path()).order_by("path")
    unit = next((u for u in units
                 if Cadre.objects.filter(unit=u, status=Cadre.Status.ACTIVE).count() >= 3), None)
    if unit is None:
        return "no Heshan unit with cadres: no appraisal"
    opened_at = _dt.datetime(2025, 12, 1, 9, 0, tzinfo=_SHANGHAI)
    opened = appraisal_open(
        actor=ctx.actor, unit=unit, year=_APPRAISAL_YEAR, kind="annual", voters=30,
        closes_at=_dt.datetime(2025, 12, 5, 18, 0, tzinfo=_SHANGHAI), at=opened_at)
    rng = _random.Random(2025)
    cadre_ids = list(opened.round.cadres.order_by("pk").values_list("pk", flat=True))
    weights = [5, 3, 1, 0.3]
    cast = 0
    for code in opened.codes[:26]:
        pick = rng.choices(Rating.values, weights=weights)
        ballot_cast(code=code, team=pick[0],
                    marks={pk: rng.choices(Rating.values, weights=weights)[0] for pk in cadre_ids},
                    at=opened_at + _dt.timedelta(hours=2))
        cast += 1
    appraisal_seal(round=opened.round, actor=ctx.actor)
    return f"1 民主测评 ({unit.name}, {cast}/30 ballots, closed and sealed)"
