"""factory_boy factories for the whole suite."""

import datetime as dt
import itertools

import factory

from cadres import idnumber
from cadres.models import Appointment, Cadre, PostLevel, Unit
from core.models import Role, User

_seq = itertools.count(1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"U{n:05d}")
    kind = Unit.Kind.GOVERNMENT_DEPARTMENT
    category = Unit.Category.COMPREHENSIVE
    parent = None

    @factory.post_generation
    def _path(obj, create, extracted, **kwargs):
        if create:
            obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
            obj.depth = obj.parent.depth + 1 if obj.parent else 0
            obj.save(update_fields=["path", "depth"])


def make_id_number(birth: dt.date, gender: str) -> str:
    n = next(_seq)
    # Vary the region code so thousands of numbers stay unique.
    region = f"{110100 + (n // 50) % 900:06d}"
    return idnumber.make(region, birth, n % 50, gender)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = "M"
    birth_date = dt.date(1980, 5, 17)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender))
    unit = factory.SubFactory(UnitFactory)
    position_title = "科长"
    post_level = PostLevel.SECTION_CHIEF
    status = Cadre.Status.ACTIVE


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    title = "科长"
    post_level = PostLevel.SECTION_CHIEF
    kind = Appointment.Kind.PROMOTION
    start_date = dt.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    roles = factory.LazyFunction(lambda: [Role.STAFF])
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.units.set(extracted)
        if create:
            obj.save()

    @factory.post_generation
    def cadre(obj, create, extracted, **kwargs):
        # The link is held on the cadre (cadres.Cadre.account): UserFactory(cadre=...) sets it.
        if create and extracted is not None:
            extracted.account = obj
            extracted.save(update_fields=["account"])
