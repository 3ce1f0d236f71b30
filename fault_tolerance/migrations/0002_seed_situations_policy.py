"""Seed the situation catalog in Heshan's three groups (9 exempt, 3 lighter, 8 never
tolerated) and the default policy. The wording is a plain drafting from the "three
distinctions" and the published rules; administrators edit each row in the admin."""

from django.db import migrations

SITUATIONS = [
    # 不予或免予追究责任的情形
    ("E01", "exempt", "在推进改革创新中，因缺乏经验、先行先试出现失误，且符合中央和上级决策部署精神的"),
    ("E02", "exempt", "在上级尚无明确规定或规定不明确时，为推动发展开展探索性试验出现失误的"),
    ("E03", "exempt", "在重大项目建设、招商引资中，经集体研究按程序决策，因不可预见的因素造成损失的"),
    ("E04", "exempt", "在处置突发事件、抢险救灾等紧急情况下，为维护群众生命财产安全和社会稳定，临机处置、先行处置，程序不够完备的"),
    ("E05", "exempt", "因国家政策调整、上级决策变化或不可抗力等客观原因，未达到预期目标的"),
    ("E06", "exempt", "在化解历史遗留问题、信访积案和社会矛盾中，经集体研究决策，因客观情况复杂出现失误的"),
    ("E07", "exempt", "在深化“放管服”和“最多跑一次”改革中，为便民利企简化流程、容缺受理出现失误，未造成重大损失的"),
    ("E08", "exempt", "在国有企业改革和市场化经营中，依法依规决策、履行了勤勉尽责义务，仍未实现预期目标的"),
    ("E09", "exempt", "在执行上级部署中已尽到审慎义务，失误发生后主动采取措施，有效避免或挽回损失、消除不良影响的"),
    # 从轻、减轻处理的情形
    ("L01", "lighter", "失误发生后主动报告、如实说明情况，积极采取补救措施，有效减少损失或减轻不良影响的"),
    ("L02", "lighter", "在集体决策中对失误事项明确提出过不同意见，或失误主要由他人造成、本人负次要责任的"),
    ("L03", "lighter", "失误情节轻微、造成的损失较小，本人积极配合调查核实、主动整改的"),
    # 不予容错的情形
    ("N01", "never", "违反政治纪律和政治规矩，或违背中央和上级决策部署、搞“上有政策、下有对策”的"),
    ("N02", "never", "为个人、他人或小团体谋取私利，或存在利益输送、权钱交易等违纪违法行为的"),
    ("N03", "never", "违反民主集中制原则，个人或少数人决定重大事项，或故意规避集体决策程序的"),
    ("N04", "never", "明知故犯，违反法律法规和明令禁止性规定的"),
    ("N05", "never", "滥用职权、玩忽职守，造成重大安全责任事故、重大群体性事件或重大经济损失等严重后果的"),
    ("N06", "never", "同类失误经提醒、纠正后仍屡错屡犯的"),
    ("N07", "never", "失误发生后隐瞒不报、弄虚作假，或干扰、阻挠调查核实的"),
    ("N08", "never", "因不作为、慢作为、乱作为造成失误，或其他依规依纪依法不应容错的"),
]


def seed(apps, schema_editor):
    Situation = apps.get_model("fault_tolerance", "Situation")
    Policy = apps.get_model("fault_tolerance", "Policy")
    for order, (code, group, description) in enumerate(SITUATIONS, start=1):
        Situation.objects.get_or_create(code=code, defaults={"group": group, "description": description,
                                                             "order": order})
    if not Policy.objects.filter(jurisdiction__isnull=True).exists():
        Policy.objects.create()


def unseed(apps, schema_editor):
    apps.get_model("fault_tolerance", "Situation").objects.filter(code__in=[s[0] for s in SITUATIONS]).delete()
    apps.get_model("fault_tolerance", "Policy").objects.filter(jurisdiction__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("fault_tolerance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
