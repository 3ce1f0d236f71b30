"""Demo data: the jurisdictions of the five reports, loaded through the services so the demo
carries a real audit trail.

`seed_demo` runs a list of loaders, each with a check that says whether its data is already
there, so a second run loads nothing. Another app adds its own demo data by writing a
`<app>/demo.py` that calls `register(...)`; the command discovers those modules.
Everything is deterministic: a fixed random seed and fixed dates, never "today"."""

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from core.accounts import USER_AUDITED
from core.audit import audit_create
from core.models import Role, User

from . import idnumber, services
from .accounts import own_cadre, user_create
from .models import Cadre, PostLevel, Unit

DEFAULT_PASSWORD = "dandang-demo-2026"
SEED = 2026

# Post levels from the top down. A post's level is its unit's head level plus its step below it.
LEVELS = list(PostLevel.values)
K = Unit.Kind
C = Unit.Category


# The registry -------------------------------------------------------------------------


@dataclass
class DemoContext:
    """What a loader gets: the acting administrator, the password for demo accounts, a seeded
    random source, and units by code."""

    actor: User
    password: str
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    _units: dict = field(default_factory=dict)

    def unit(self, code: str) -> Unit:
        if code not in self._units:
            self._units[code] = Unit.objects.get(code=code)
        return self._units[code]

    def remember(self, unit: Unit) -> Unit:
        self._units[unit.code] = unit
        return unit


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int
    is_loaded: Callable[[], bool]
    load: Callable[[DemoContext], str]  # returns a one-line summary of what it loaded


_LOADERS: dict[str, DemoLoader] = {}


def register(*, name: str, order: int, is_loaded: Callable[[], bool]):
    """Decorator for a loader `load(ctx) -> summary`; loaders run by `order`, those whose
    `is_loaded()` is true are skipped."""

    def decorator(load):
        _LOADERS[name] = DemoLoader(name=name, order=order, is_loaded=is_loaded, load=load)
        return load

    return decorator


def loaders() -> list[DemoLoader]:
    autodiscover_modules("demo")
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))


@dataclass
class SeedResult:
    admin_created: bool
    loaded: list[tuple[str, str]]
    skipped: list[str]

    @property
    def changed(self) -> bool:
        return self.admin_created or bool(self.loaded)


def ensure_admin(*, password: str) -> tuple[User, bool]:
    """The first administrator, made directly as createsuperuser would; every later write is its."""
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        return admin, False
    admin = User.objects.create_superuser(
        username="admin", email="admin@example.com", password=password, roles=[Role.ADMIN],
        name=DEMO_NAMES["admin"],
    )
    audit_create(obj=admin, actor=None, fields=USER_AUDITED)
    return admin, True


def seed_demo(*, password: str = DEFAULT_PASSWORD) -> SeedResult:
    """Run every loader whose data is missing. Call it inside one transaction."""
    actor, admin_created = ensure_admin(password=password)
    ctx = DemoContext(actor=actor, password=password)
    result = SeedResult(admin_created=admin_created, loaded=[], skipped=[])
    for loader in loaders():
        if loader.is_loaded():
            result.skipped.append(loader.name)
        else:
            result.loaded.append((loader.name, loader.load(ctx)))
    return result


# Units --------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    code: str
    name: str
    region: str  # the ID-number region code of its residents
    towns: tuple  # (name, category) for streets (…街道) and towns (…镇/乡)
    departments: int = 8


@dataclass(frozen=True)
class City:
    code: str
    name: str
    soe: str
    districts: tuple
    district_level: int  # index in LEVELS of a district's head
    unit_level: int  # index in LEVELS of the head of a district's department or town


OPT, KEY, ECO = C.OPTIMIZED_DEVELOPMENT, C.KEY_DEVELOPMENT, C.ECOLOGICAL_PROTECTION

# Government departments in Heshan's four assessment categories; each district takes some.
DEPARTMENTS = (
    ("发展和改革局", C.COMPREHENSIVE),
    ("财政局", C.COMPREHENSIVE),
    ("工业和信息化局", C.ECONOMIC),
    ("教育局", C.SOCIAL),
    ("自然资源局", C.ECONOMIC),
    ("民政局", C.SOCIAL),
    ("审计局", C.COMPREHENSIVE),
    ("住房和城乡建设局", C.ECONOMIC),
    ("卫生健康局", C.SOCIAL),
    ("税务局", C.VERTICAL),
    ("农业农村局", C.ECONOMIC),
    ("人力资源和社会保障局", C.COMPREHENSIVE),
    ("应急管理局", C.SOCIAL),
    ("市场监督管理局", C.VERTICAL),
    ("交通运输局", C.ECONOMIC),
    ("气象局", C.VERTICAL),
)

# Sub-provincial cities (济南, 宁波) lead a district at 副厅, its departments and streets at 正处;
# prefecture and county-level cities at 正处 and 正科.
CITIES = (
    City(
        "JN",
        "济南市",
        "济南城市建设集团有限公司",
        district_level=1,
        unit_level=2,
        districts=(
            District(
                "JN-LX",
                "历下区",
                "370102",
                (
                    ("解放路街道", OPT),
                    ("千佛山街道", OPT),
                    ("趵突泉街道", OPT),
                    ("泉城路街道", OPT),
                    ("甸柳街道", OPT),
                    ("建筑新村街道", OPT),
                    ("龙洞街道", ECO),
                ),
            ),
            District(
                "JN-LC",
                "历城区",
                "370112",
                (
                    ("华山街道", KEY),
                    ("山大路街道", OPT),
                    ("洪家楼街道", OPT),
                    ("王舍人街道", KEY),
                    ("唐冶街道", KEY),
                    ("港沟街道", KEY),
                    ("柳埠街道", ECO),
                ),
            ),
        ),
    ),
    City(
        "JM",
        "江门市",
        "江门市城市发展投资集团有限公司",
        district_level=2,
        unit_level=4,
        districts=(
            District(
                "JM-HS",
                "鹤山市",
                "440784",
                (
                    ("沙坪街道", OPT),
                    ("雅瑶镇", OPT),
                    ("古劳镇", OPT),
                    ("龙口镇", OPT),
                    ("桃源镇", KEY),
                    ("鹤城镇", KEY),
                    ("共和镇", KEY),
                    ("址山镇", KEY),
                    ("宅梧镇", ECO),
                    ("双合镇", ECO),
                ),
                departments=16,
            ),
        ),
    ),
    City(
        "YX",
        "玉溪市",
        "玉溪市投资控股集团有限公司",
        district_level=2,
        unit_level=4,
        districts=(
            District(
                "YX-HT",
                "红塔区",
                "530402",
                (
                    ("玉兴街道", OPT),
                    ("凤凰街道", OPT),
                    ("宁州街道", OPT),
                    ("北城街道", KEY),
                    ("春和街道", KEY),
                    ("研和街道", KEY),
                    ("洛河彝族乡", ECO),
                ),
            ),
        ),
    ),
    City(
        "NB",
        "宁波市",
        "宁波开发投资集团有限公司",
        district_level=1,
        unit_level=2,
        districts=(
            District(
                "NB-ZH",
                "镇海区",
                "330211",
                (
                    ("招宝山街道", OPT),
                    ("蛟川街道", OPT),
                    ("庄市街道", KEY),
                    ("澥浦镇", KEY),
                    ("九龙湖镇", ECO),
                ),
            ),
            District(
                "NB-FH",
                "奉化区",
                "330213",
                (
                    ("锦屏街道", OPT),
                    ("岳林街道", OPT),
                    ("江口街道", KEY),
                    ("溪口镇", ECO),
                    ("大堰镇", ECO),
                ),
            ),
            District(
                "NB-YY",
                "余姚市",
                "330281",
                (
                    ("阳明街道", OPT),
                    ("凤山街道", OPT),
                    ("泗门镇", KEY),
                    ("梁弄镇", ECO),
                    ("四明山镇", ECO),
                ),
            ),
            District(
                "NB-XS",
                "象山县",
                "330225",
                (
                    ("丹东街道", OPT),
                    ("丹西街道", OPT),
                    ("石浦镇", KEY),
                    ("西周镇", KEY),
                    ("高塘岛乡", ECO),
                ),
            ),
        ),
    ),
    City(
        "ZB",
        "淄博市",
        "淄博市城市资产运营集团有限公司",
        district_level=2,
        unit_level=4,
        districts=(
            District(
                "ZB-ZD",
                "张店区",
                "370303",
                (
                    ("车站街道", OPT),
                    ("公园街道", OPT),
                    ("科苑街道", OPT),
                    ("马尚街道", KEY),
                    ("房镇镇", KEY),
                    ("南定镇", KEY),
                    ("沣水镇", ECO),
                    ("中埠镇", ECO),
                ),
            ),
        ),
    ),
)


def _town_kind(name: str) -> str:
    return K.SUBDISTRICT if name.endswith("街道") else K.TOWN


def unit_specs():
    """Every demo unit as (code, parent code, name, kind, category), parents first."""
    for city in CITIES:
        yield city.code, None, city.name, K.PARTY_COMMITTEE, ""
        yield (
            f"{city.code}-ZZB",
            city.code,
            f"中共{city.name}委组织部",
            K.PARTY_COMMITTEE,
            C.COMPREHENSIVE,
        )
        yield f"{city.code}-GQ1", city.code, city.soe, K.SOE, ""
        for d in city.districts:
            yield d.code, city.code, d.name, K.PARTY_COMMITTEE, ""
            yield (
                f"{d.code}-ZZB",
                d.code,
                f"中共{d.name}委组织部",
                K.PARTY_COMMITTEE,
                C.COMPREHENSIVE,
            )
            offset = sum(map(ord, d.code)) % len(DEPARTMENTS)  # districts differ, yet stay stable
            for i in range(d.departments):
                name, category = DEPARTMENTS[(offset + i) % len(DEPARTMENTS)]
                yield (
                    f"{d.code}-D{i + 1:02d}",
                    d.code,
                    f"{d.name}{name}",
                    K.GOVERNMENT_DEPARTMENT,
                    category,
                )
            for i, (name, category) in enumerate(d.towns):
                yield f"{d.code}-J{i + 1:02d}", d.code, name, _town_kind(name), category
            yield f"{d.code}-SY1", d.code, f"{d.name}融媒体中心", K.PUBLIC_INSTITUTION, C.SOCIAL


@register(
    name="units", order=10, is_loaded=lambda: Unit.objects.filter(code=CITIES[0].code).exists()
)
def load_units(ctx: DemoContext) -> str:
    count = 0
    for code, parent, name, kind, category in unit_specs():
        ctx.remember(
            services.unit_create(
                actor=ctx.actor,
                code=code,
                name=name,
                kind=kind,
                category=category,
                parent=ctx.unit(parent) if parent else None,
            )
        )
        count += 1
    return _("%(n)d 个单位") % {"n": count}


# Names --------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
MALE_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发"
    "武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪"
    "心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启"
    "克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹"
    "霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶"
    "怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希"
    "宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
)
# A few records keep traditional characters, as Jinan's report writes 謝允崗; they must round-trip.
TRADITIONAL_NAMES = (
    ("陳志強", "M"),
    ("黃麗華", "F"),
    ("鄭國樑", "M"),
    ("劉曉陽", "M"),
    ("張維寧", "F"),
)
MINORITIES = ("彝族", "哈尼族", "回族", "白族")


def make_name(rng: random.Random, gender: str) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
    return surname + given


# Cadres -------------------------------------------------------------------------------

RANKS = {  # 职级 that go with each post level
    "department_chief": ("一级巡视员",),
    "department_deputy": ("二级巡视员",),
    "division_chief": ("一级调研员", "二级调研员"),
    "division_deputy": ("三级调研员", "四级调研员"),
    "section_chief": ("一级主任科员", "二级主任科员"),
    "section_deputy": ("三级主任科员", "四级主任科员"),
    "staff": ("一级科员",),
    "clerk": ("二级科员",),
}

# (step below the unit's head, title suffix) for the posts of each kind of unit.
POSTS = {
    "district": ((0, "委书记"), (1, "委副书记")),
    "org": ((0, "部长"), (1, "副部长"), (2, "干部科科长"), (3, "干部科一级科员")),
    K.GOVERNMENT_DEPARTMENT: ((0, "局长"), (1, "副局长")),
    K.SUBDISTRICT: (
        (0, "党工委书记"),
        (0, "办事处主任"),
        (1, "办事处副主任"),
        (2, "党政办公室主任"),
    ),
    K.TOWN: ((0, "党委书记"), (0, "镇长"), (1, "副镇长"), (2, "党政办公室主任")),
    K.PUBLIC_INSTITUTION: ((1, "主任"),),
    K.SOE: ((2, "党委书记、董事长"), (3, "副总经理")),
    "city_org": ((2, "干部一处处长"), (3, "干部监督处副处长")),
}
DOC_PREFIX = {"JN": "济组干", "JM": "江组干", "YX": "玉组干", "NB": "甬组干", "ZB": "淄组干"}


@dataclass
class Post:
    unit_code: str
    city: City
    region: str
    suffix: str  # the title after the unit's name: 局长, 党工委书记, 委副书记 …
    level: int
    siblings: tuple = ()  # units of the same kind an earlier post may have been in

    @property
    def title(self) -> str:
        return unit_names()[self.unit_code] + self.suffix


@dataclass
class CadreSpec:
    name: str
    gender: str
    birth: dt.date
    post: Post
    history: list = field(default_factory=list)  # appointment dicts, oldest first
    extra: dict = field(default_factory=dict)
    id_number: str = ""  # fixed for the featured cadres, drawn for the others


_UNIT_NAMES: dict = {}


def unit_names() -> dict:
    if not _UNIT_NAMES:
        _UNIT_NAMES.update({code: name for code, _p, name, _k, _c in unit_specs()})
    return _UNIT_NAMES


def _posts_of(city: City):
    """Every post the demo fills in a city."""
    first_region = city.districts[0].region
    for step, suffix in POSTS["city_org"]:
        yield Post(f"{city.code}-ZZB", city, first_region, suffix, step)
    for step, suffix in POSTS[K.SOE][:1]:
        yield Post(f"{city.code}-GQ1", city, first_region, suffix, step)
    for d in city.districts:
        depts = tuple(f"{d.code}-D{i + 1:02d}" for i in range(d.departments))
        towns = {
            kind: tuple(
                f"{d.code}-J{i + 1:02d}"
                for i, (name, _c) in enumerate(d.towns)
                if _town_kind(name) == kind
            )
            for kind in (K.SUBDISTRICT, K.TOWN)
        }
        for step, suffix in POSTS["district"]:
            yield Post(d.code, city, d.region, suffix, city.district_level + step)
        for step, suffix in POSTS["org"][:3]:
            yield Post(f"{d.code}-ZZB", city, d.region, suffix, city.unit_level + step)
        for i, code in enumerate(depts):
            for step, suffix in POSTS[K.GOVERNMENT_DEPARTMENT][: 1 + i % 2]:
                yield Post(code, city, d.region, suffix, city.unit_level + step, depts)
        for i, (name, _c) in enumerate(d.towns):
            kind = _town_kind(name)
            for step, suffix in POSTS[kind][:2]:
                yield Post(
                    f"{d.code}-J{i + 1:02d}",
                    city,
                    d.region,
                    suffix,
                    city.unit_level + step,
                    towns[kind],
                )
        for step, suffix in POSTS[K.PUBLIC_INSTITUTION]:
            yield Post(f"{d.code}-SY1", city, d.region, suffix, city.unit_level + step)


def _level(index: int) -> str:
    return LEVELS[min(index, len(LEVELS) - 1)]


def _birth_for(rng: random.Random, level: int) -> dt.date:
    """Older cadres hold higher posts: a 副厅 is born around 1971, a 科员 around 1990."""
    year = 1962 + level * 4 + rng.randint(0, 10)
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


_DEPUTY = (
    ("党工委书记", "党工委副书记"),
    ("办事处主任", "办事处副主任"),
    ("党委书记", "党委副书记"),
    ("委书记", "委副书记"),
    ("镇长", "副镇长"),
    ("局长", "副局长"),
    ("部长", "副部长"),
    ("处长", "副处长"),
    ("科长", "副科长"),
    ("主任", "副主任"),
    ("董事长", "副董事长"),
)


def _deputy_suffix(suffix: str) -> str | None:
    """The deputy's title for a head's (局长 → 副局长); None when the post has no deputy."""
    for head, deputy in _DEPUTY:
        if suffix.endswith(head) and not suffix.endswith(deputy):
            return suffix.removesuffix(head) + deputy
    return None


def _history(rng: random.Random, spec: CadreSpec, doc_counter: dict) -> list[dict]:
    """The present main post and up to two earlier ones, end to end so they never overlap:
    the deputy's post in the same unit (then 提拔), or the same post in a sibling unit (平级交流).
    """
    post = spec.post
    start = dt.date(
        rng.randint(min(max(spec.birth.year + 25, 2014), 2024), 2024), rng.randint(1, 12), 1
    )
    entries = [
        dict(unit_code=post.unit_code, suffix=post.suffix, level=post.level, start=start, end=None)
    ]
    for _step in range(rng.choice((1, 1, 2))):
        start = dt.date(start.year - rng.randint(2, 5), rng.randint(1, 12), 1)
        if start.year < spec.birth.year + 23 or start >= entries[0]["start"]:
            break
        later = entries[0]
        deputy = _deputy_suffix(later["suffix"])
        if deputy and later["level"] < len(LEVELS) - 1 and rng.random() < 0.7:
            earlier = dict(unit_code=later["unit_code"], suffix=deputy, level=later["level"] + 1)
        else:
            earlier = dict(
                unit_code=rng.choice(post.siblings or (later["unit_code"],)),
                suffix=later["suffix"],
                level=later["level"],
            )
        entries.insert(0, dict(earlier, start=start, end=later["start"]))
    levels = [entry["level"] for entry in entries]
    for i, entry in enumerate(entries):
        up = i == 0 or levels[i] < levels[i - 1]
        entry["kind"] = "promotion" if up else "lateral"
        entry["title"] = unit_names()[entry["unit_code"]] + entry.pop("suffix")
        entry["level"] = _level(entry["level"])
        year = entry["start"].year
        doc_counter[year] = doc_counter.get(year, 0) + 1
        entry["document_number"] = f"{DOC_PREFIX[post.city.code]}〔{year}〕{doc_counter[year]}号"
    return entries


XIE_ID_NUMBER = idnumber.make("370112", dt.date(1982, 3, 14), 1, "M")
CADRE1_ID_NUMBER = idnumber.make(
    "330281", dt.date(1984, 7, 9), 1, "F"
)  # the account `cadre1` is hers


def featured_cadres() -> list[CadreSpec]:
    """The people the demo tells stories about; their ID numbers are fixed."""
    jinan, ningbo = CITIES[0], CITIES[3]
    xie = CadreSpec(
        name="謝允崗",
        gender="M",
        birth=dt.date(1982, 3, 14),
        id_number=XIE_ID_NUMBER,
        post=Post("JN-LC-J01", jinan, "370112", "办事处社区服务中心主任", 3),
        extra={
            "tags": [Cadre.Tag.STANDOUT],
            "is_reserve": True,
            "rank": "四级调研员",
            "political_status": "cpc_member",
            "education": "bachelor",
        },
        history=[
            # Jinan's first 破格提拔: 正科 to 副处 in a year and a half.
            dict(
                unit_code="JN-LC-J01",
                title="华山街道办事处社会事务科科长",
                level="section_chief",
                start=dt.date(2016, 2, 1),
                end=dt.date(2017, 8, 1),
                kind="promotion",
                document_number="历城组干〔2016〕3号",
            ),
            dict(
                unit_code="JN-LC-J01",
                title="华山街道办事处社区服务中心主任",
                level="division_deputy",
                start=dt.date(2017, 8, 1),
                end=None,
                kind="exceptional_promotion",
                exceptional_reason="任职年限破格",
                document_number="历城组干〔2017〕18号",
            ),
        ],
    )
    hu = CadreSpec(
        name="胡海燕",
        gender="F",
        birth=dt.date(1984, 7, 9),
        id_number=CADRE1_ID_NUMBER,
        post=Post("NB-YY-J04", ningbo, "330281", "镇长", 4),
        extra={
            "is_representative": True,
            "rank": "一级主任科员",
            "political_status": "cpc_member",
            "education": "master",
        },
        history=[
            dict(
                unit_code="NB-YY-J04",
                title="梁弄镇副镇长",
                level="section_deputy",
                start=dt.date(2016, 3, 1),
                end=dt.date(2020, 9, 1),
                kind="promotion",
                document_number="余组干〔2016〕7号",
            ),
            dict(
                unit_code="NB-YY-J04",
                title="梁弄镇镇长",
                level="section_chief",
                start=dt.date(2020, 9, 1),
                end=None,
                kind="promotion",
                document_number="余组干〔2020〕21号",
            ),
        ],
    )
    return [xie, hu]


def cadre_specs() -> list[CadreSpec]:
    """About 300 cadres: the featured ones, then one per demo post, drawn with a fixed seed."""
    rng = random.Random(SEED)
    featured = featured_cadres()
    taken = {(s.post.unit_code, s.post.suffix) for s in featured}
    specs = list(featured)
    doc_counter: dict = {}
    for city in CITIES:
        for post in _posts_of(city):
            if (post.unit_code, post.suffix) in taken:
                continue
            gender = "F" if rng.random() < 0.3 else "M"
            spec = CadreSpec(
                name=make_name(rng, gender),
                gender=gender,
                birth=_birth_for(rng, post.level),
                post=post,
            )
            if rng.random() < 0.7:
                spec.history = _history(rng, spec, doc_counter)
            spec.extra = _extras(rng, spec)
            specs.append(spec)
    # Spread the traditional-character names over the cities.
    for n, (name, gender) in enumerate(TRADITIONAL_NAMES):
        spec = specs[len(featured) + 7 + n * 53]
        spec.name, spec.gender = name, gender
    return specs


def _extras(rng: random.Random, spec: CadreSpec) -> dict:
    post, level = spec.post, spec.post.level
    extra = {
        "political_status": rng.choices(
            ["cpc_member", "cpc_probationary", "democratic_party", "masses"], [90, 2, 5, 3]
        )[0],
        "education": rng.choices(["doctorate", "master", "bachelor", "college"], [3, 27, 60, 10])[
            0
        ],
        "rank": rng.choice(RANKS[_level(level)]),
        "is_reserve": level > post.city.unit_level and rng.random() < 0.15,
        "is_representative": level <= post.city.unit_level and rng.random() < 0.08,
    }
    if post.city.code == "YX" and rng.random() < 0.3:
        extra["ethnicity"] = rng.choice(MINORITIES)
    tags = []
    if post.city.code == "JN" and rng.random() < 0.08:
        tags.append(Cadre.Tag.STANDOUT)  # Jinan's 出彩型 list
    if post.city.code == "ZB" and rng.random() < 0.15:
        tags.append(Cadre.Tag.RED_FLAG)  # Zhangdian's 红旗标兵
    extra["tags"] = tags
    # A few have left: retired (the oldest) or transferred; their last post is closed.
    if spec.birth.year <= 1971 and rng.random() < 0.35:
        extra["status"] = Cadre.Status.RETIRED
    elif rng.random() < 0.02:
        extra["status"] = Cadre.Status.TRANSFERRED
    return extra


def _id_number(spec: CadreSpec, used: set, counter: list) -> str:
    if spec.id_number:
        return spec.id_number
    while True:
        counter[0] += 1
        number = idnumber.make(spec.post.region, spec.birth, counter[0] % 100, spec.gender)
        if number not in used:
            used.add(number)
            return number


def _cadre_loaded() -> bool:
    return Cadre.objects.filter(id_number=CADRE1_ID_NUMBER).exists()


@register(name="cadres", order=20, is_loaded=_cadre_loaded)
def load_cadres(ctx: DemoContext) -> str:
    used = {XIE_ID_NUMBER, CADRE1_ID_NUMBER}
    counter = [0]
    cadres = appointments = 0
    for spec in cadre_specs():
        extra = dict(spec.extra)
        status = extra.pop("status", Cadre.Status.ACTIVE)
        current = spec.history[-1] if spec.history else None
        cadre = services.cadre_create(
            actor=ctx.actor,
            name=spec.name,
            gender=spec.gender,
            birth_date=spec.birth,
            id_number=_id_number(spec, used, counter),
            unit=ctx.unit(spec.post.unit_code),
            position_title=spec.post.title,
            post_level=current["level"] if current else _level(spec.post.level),
            rank_since=current["start"] if current else None,
            status=status,
            **extra,
        )
        cadres += 1
        for entry in spec.history:
            end = entry["end"]
            if end is None and status != Cadre.Status.ACTIVE:
                end = dt.date(2025, 12, 31)  # the post a retired or transferred cadre has left
            services.appointment_create(
                actor=ctx.actor,
                cadre=cadre,
                unit=ctx.unit(entry["unit_code"]),
                title=entry["title"],
                post_level=entry["level"],
                kind=entry["kind"],
                start_date=entry["start"],
                end_date=end,
                document_number=entry["document_number"],
                exceptional_reason=entry.get("exceptional_reason", ""),
            )
            appointments += 1
    return _("%(cadres)d 名干部，%(appointments)d 条任职记录") % {
        "cadres": cadres,
        "appointments": appointments,
    }


# Accounts -----------------------------------------------------------------------------

# (username, role, the unit code of its scope or None)
DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, None),
    ("staff_jinan", Role.STAFF, "JN"),
    ("staff_heshan", Role.STAFF, "JM-HS"),
    ("reviewer1", Role.REVIEWER, "NB"),
    ("reviewer2", Role.REVIEWER, "NB"),
    ("reviewer3", Role.REVIEWER, "NB"),
    # 镇海's own reviewers: they sit on the appeal of the Ningbo case, which reviewer1-3 decided.
    ("reviewer4", Role.REVIEWER, "NB-ZH"),
    ("reviewer5", Role.REVIEWER, "NB-ZH"),
    ("reviewer6", Role.REVIEWER, "NB-ZH"),
    ("liaison1", Role.LIAISON, "NB"),
    # Two Ningbo staff: one files the demo cases, the other takes them in (nobody accepts their own filing).
    ("staff_ningbo", Role.STAFF, "NB"),
    ("staff_ningbo2", Role.STAFF, "NB"),
    ("cadre1", Role.CADRE, None),
)
# Each demo account's real name, shown on the pages (填报人, 审核人, the header). cadre1's is its
# cadre record's (CADRE1_ID_NUMBER), set when the account is made.
DEMO_NAMES = {
    "admin": "系统管理员",
    "staff_jinan": "刘建华",
    "staff_heshan": "何志强",
    "reviewer1": "周文静",
    "reviewer2": "吴国栋",
    "reviewer3": "郑丽萍",
    "reviewer4": "王海波",
    "reviewer5": "徐静怡",
    "reviewer6": "蒋立新",
    "liaison1": "孙海燕",
    "staff_ningbo": "陈晓东",
    "staff_ningbo2": "林佳慧",
}


@register(
    name="accounts",
    order=30,
    is_loaded=lambda: User.objects.filter(username=DEMO_ACCOUNTS[-1][0]).exists(),
)
def load_accounts(ctx: DemoContext) -> str:
    count = 0
    for username, role, scope in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue  # admin, made first as the actor
        cadre = Cadre.objects.get(id_number=CADRE1_ID_NUMBER) if role == Role.CADRE else None
        user_create(
            actor=ctx.actor,
            username=username,
            name=cadre.name if cadre is not None else DEMO_NAMES[username],
            password=ctx.password,
            roles=[role],
            units=[ctx.unit(scope)] if scope else [],
            cadre=cadre,
        )
        count += 1
    return _("%(n)d 个演示账号") % {"n": count}


def accounts_table(*, password: str) -> list[tuple[str, str, str, str]]:
    """(username, role, scope, password) for each demo account that exists."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
        .select_related("cadre")
        .prefetch_related("units")
    }
    rows = []
    for username, role, _scope in DEMO_ACCOUNTS:
        user = users.get(username)
        if user is None:
            continue
        if role == Role.ADMIN:
            scope = _("全部单位")
        elif own_cadre(user) is not None:
            scope = _("本人档案（%(name)s）") % {"name": own_cadre(user).name}
        else:
            scope = "、".join(u.name for u in user.units.all())
        rows.append((username, str(Role(role).label), scope, password))
    return rows


def format_table(header: tuple, rows: list[tuple]) -> str:
    """A plain-text table whose columns line up with CJK characters (two cells wide) in them."""

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    cols = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for n, row in enumerate([header, *rows]):
        lines.append(
            "  ".join(str(v) + " " * (cols[i] - width(str(v))) for i, v in enumerate(row)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * c for c in cols))
    return "\n".join(lines)
