"""The default accumulation rules (DOMAIN.md "Accumulation"), version 1 of each, and the
measures they name (get_or_create by code: the catalog migration seeds the same codes)."""

from django.db import migrations

MEASURES = {
    # code: (name, direction, kind, points)
    "commendation": ("嘉奖", "positive", "spiritual", 3),
    "merit_third": ("记三等功", "positive", "spiritual", 10),
    "admonishment_talk": ("诫勉谈话", "negative", "organizational", 5),
    "demotion_one_level": ("降低一个职务或职级层次", "negative", "organizational", 10),
    "dismissal": ("辞退", "negative", "organizational", 20),
    "talk_reminder": ("谈话提醒", "negative", "organizational", 2),
    "public_praise": ("通报表扬", "positive", "spiritual", 2),
    "public_criticism": ("通报批评", "negative", "spiritual", 3),
    "post_adjustment": ("调离岗位", "negative", "organizational", 8),
}

RULES = [
    # code, kind, params, measure, label, needs_confirmation
    ("excellent_commendation", "grade_in_year", {"grade": "excellent"}, "commendation",
     "年度考核优秀，给予嘉奖", False),
    ("excellent_three_years", "streak", {"grade": "excellent", "years": 3}, "merit_third",
     "连续三年优秀，记三等功", False),
    ("basically_competent_admonishment", "grade_in_year", {"grade": "basically_competent"},
     "admonishment_talk", "年度考核基本称职，诫勉谈话", False),
    ("incompetent_demotion", "grade_in_year", {"grade": "incompetent"}, "demotion_one_level",
     "年度考核不称职，降低一个职务或职级层次", True),
    ("incompetent_two_years", "streak", {"grade": "incompetent", "years": 2}, "dismissal",
     "连续两年年度考核不称职，予以辞退（公务员法第八十八条）", True),
    ("team_good_praise", "team_grade", {"grade": "good"}, "public_praise",
     "班子年度考核好，主要负责人通报表扬", False),
    ("team_poor_criticism", "team_grade", {"grade": "poor"}, "public_criticism",
     "班子年度考核差，主要负责人通报批评", False),
    ("bottom_talk_reminder", "bottom_escalation", {"escalation": "talk_reminder"},
     "talk_reminder", "班子考核末位，主要负责人谈话提醒", True),
    ("bottom_admonishment", "bottom_escalation", {"escalation": "admonishment"},
     "admonishment_talk", "班子连续两年末位，主要负责人诫勉谈话", True),
    ("bottom_post_adjustment", "bottom_escalation", {"escalation": "post_adjustment"},
     "post_adjustment", "班子连续三年及以上末位，主要负责人调整岗位", True),
    ("sanction_blocks_positive", "sanction_block",
     {"kinds": ["warning", "demerit", "major_demerit", "demotion", "dismissal_from_post",
                "expulsion"]},
     None, "处分影响期内，不得给予正向激励", False),
]


def seed(apps, schema_editor):
    Measure = apps.get_model("incentives", "Measure")
    Rule = apps.get_model("incentives", "AccumulationRule")
    measures = {}
    for code, (name, direction, kind, points) in MEASURES.items():
        measures[code], _ = Measure.objects.get_or_create(
            code=code, defaults={"name": name, "direction": direction, "kind": kind,
                                 "points": points})
    for code, kind, params, measure, label, confirm in RULES:
        if not Rule.objects.filter(code=code).exists():
            Rule.objects.create(code=code, version=1, is_current=True, kind=kind, params=params,
                                measure=measures.get(measure), label=label,
                                needs_confirmation=confirm)


def unseed(apps, schema_editor):
    Rule = apps.get_model("incentives", "AccumulationRule")
    Rule.objects.filter(code__in=[r[0] for r in RULES], proposals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("incentives", "0002_catalog")]
    operations = [migrations.RunPython(seed, unseed)]
