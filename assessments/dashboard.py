"""Registrations of assessments with core's dashboard registry (and cadres.demo for demo)."""


# evaluation ----

from core.dashboard import register as _dashboard_register  # noqa: E402


@_dashboard_register
def reserve_list_figures(user) -> dict:
    """reserve_list: cadres on the 干部推荐参考名单 the user may see."""
    from .selectors.evaluation import reserve_list

    return {"reserve_list": reserve_list(user=user).values("cadre_id").distinct().count()}


# frontline ----


@_dashboard_register
def frontline_figures(user) -> dict:
    """frontline_overdue_projects / frontline_overdue: key projects with a missed 四个一 cadence,
    and how many (cadre, cadence) are overdue."""
    from .selectors.frontline import overdue_count

    projects, items = overdue_count(user=user)
    return {"frontline_overdue_projects": projects, "frontline_overdue": items}
