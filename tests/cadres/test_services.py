"""Validation rules of units, cadres and appointments, enforced by the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres import idnumber
from cadres.models import Appointment, Cadre, Unit
from cadres.services import appointment_create, cadre_create, cadre_update, unit_create, unit_update
from core.audit import object_history

from ..factories import AppointmentFactory, CadreFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 9)
VALID_ID = idnumber.make("370102", BIRTH, 12, "F")


def new_cadre(actor, unit, **overrides):
    fields = dict(name="王秀英", gender="F", birth_date=BIRTH, id_number=VALID_ID, unit=unit,
                  post_level="section_chief", position_title="科长")
    fields.update(overrides)
    return cadre_create(actor=actor, **fields)


class TestIdNumber:
    def test_valid_number_parses_birth_and_gender(self):
        assert idnumber.parse(VALID_ID) == (BIRTH, "F")

    def test_known_real_format_example(self):
        # The GB 11643 worked example: 11010519491231002X.
        assert idnumber.parse("11010519491231002x") == (dt.date(1949, 12, 31), "F")

    @pytest.mark.parametrize("bad", ["", "12345", "11010519491231002", "110105194912310021",
                                     "11010519491331002X", "1101051949123100XX", "11010519491231002Y", "٠١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"])
    def test_malformed_numbers_are_refused(self, bad):
        with pytest.raises(ValidationError):
            idnumber.parse(bad)

    def test_full_width_digits_are_normalized(self):
        assert idnumber.parse("１１０１０５１９４９１２３１００２ｘ") == (dt.date(1949, 12, 31), "F")

    def test_mask_keeps_region_and_last_four(self):
        assert idnumber.mask("11010519491231002X") == "110105************"


class TestCadreCreate:
    def test_creates_and_audits_with_masked_id(self, staff_user, tree):
        cadre = new_cadre(staff_user, tree["street"])
        assert cadre.pk and cadre.id_number == VALID_ID
        entry = object_history(obj=cadre).get()
        assert entry.action == "create" and entry.actor_username == "staff1"
        assert entry.changes["id_number"] == [None, idnumber.mask(VALID_ID)]
        assert VALID_ID not in str(entry.changes)

    def test_traditional_characters_round_trip(self, staff_user, tree):
        cadre = new_cadre(staff_user, tree["street"], name="謝允崗")
        assert Cadre.objects.get(pk=cadre.pk).name == "謝允崗"

    def test_check_digit_error_names_the_field(self, staff_user, tree):
        bad = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["street"], id_number=bad)
        assert "校验位" in exc.value.message_dict["id_number"][0]
        assert not Cadre.objects.exists()

    def test_birth_date_must_agree_with_id(self, staff_user, tree):
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["street"], birth_date=dt.date(1985, 3, 10))
        assert "1985-03-09" in exc.value.message_dict["birth_date"][0]

    def test_gender_must_agree_with_id(self, staff_user, tree):
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["street"], gender="M")
        assert "gender" in exc.value.message_dict

    def test_duplicate_id_number_refused_in_words(self, staff_user, tree):
        new_cadre(staff_user, tree["street"])
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["street"], name="另一人")
        assert exc.value.message_dict == {"id_number": ["该身份证号已登记在解放路街道的干部王秀英名下。"]}
        assert Cadre.objects.count() == 1

    def test_unit_outside_scope_refused(self, staff_user, tree):
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["other"])
        assert "unit" in exc.value.message_dict

    def test_unknown_tag_refused(self, staff_user, tree):
        with pytest.raises(ValidationError) as exc:
            new_cadre(staff_user, tree["street"], tags=["hero"])
        assert "tags" in exc.value.message_dict

    def test_reviewer_may_not_create(self, tree):
        reviewer = UserFactory(roles=["reviewer"], units=[tree["city"]])
        with pytest.raises(PermissionDenied):
            new_cadre(reviewer, tree["street"])


class TestCadreUpdate:
    def test_update_records_old_and_new(self, staff_user, cadre_in_street):
        cadre_update(cadre=cadre_in_street, actor=staff_user, position_title="副主任")
        entry = object_history(obj=cadre_in_street).first()
        assert entry.changes == {"position_title": ["科长", "副主任"]}

    def test_noop_update_writes_nothing(self, staff_user, cadre_in_street):
        before = object_history(obj=cadre_in_street).count()
        cadre_update(cadre=cadre_in_street, actor=staff_user, position_title="科长")
        assert object_history(obj=cadre_in_street).count() == before

    def test_invalid_update_leaves_record_unchanged(self, staff_user, cadre_in_street):
        with pytest.raises(ValidationError):
            cadre_update(cadre=cadre_in_street, actor=staff_user, position_title="主任", id_number="123")
        fresh = Cadre.objects.get(pk=cadre_in_street.pk)
        assert fresh.position_title == "科长"

    def test_moving_cadre_out_of_scope_refused(self, staff_user, cadre_in_street, tree):
        with pytest.raises(ValidationError):
            cadre_update(cadre=cadre_in_street, actor=staff_user, unit=tree["other"])
        assert Cadre.objects.get(pk=cadre_in_street.pk).unit_id == tree["street"].id


class TestAppointments:
    def test_end_must_follow_start(self, staff_user, cadre_in_street):
        with pytest.raises(ValidationError) as exc:
            appointment_create(actor=staff_user, cadre=cadre_in_street, unit=cadre_in_street.unit, title="科长",
                               post_level="section_chief", kind="lateral", start_date=dt.date(2024, 5, 1),
                               end_date=dt.date(2024, 4, 1))
        assert "end_date" in exc.value.message_dict

    def test_exceptional_promotion_needs_reason(self, staff_user, cadre_in_street):
        with pytest.raises(ValidationError) as exc:
            appointment_create(actor=staff_user, cadre=cadre_in_street, unit=cadre_in_street.unit, title="副区长",
                               post_level="division_deputy", kind="exceptional_promotion",
                               start_date=dt.date(2024, 5, 1))
        assert "exceptional_reason" in exc.value.message_dict

    def test_main_posts_must_not_overlap(self, staff_user, cadre_in_street):
        AppointmentFactory(cadre=cadre_in_street, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 1, 1))
        with pytest.raises(ValidationError) as exc:
            appointment_create(actor=staff_user, cadre=cadre_in_street, unit=cadre_in_street.unit, title="主任",
                               post_level="section_chief", kind="lateral", start_date=dt.date(2022, 6, 1))
        assert "start_date" in exc.value.message_dict
        # Back to back is fine, and a side post may overlap.
        appointment_create(actor=staff_user, cadre=cadre_in_street, unit=cadre_in_street.unit, title="主任",
                           post_level="section_chief", kind="lateral", start_date=dt.date(2023, 1, 1),
                           end_date=dt.date(2024, 1, 1))
        appointment_create(actor=staff_user, cadre=cadre_in_street, unit=cadre_in_street.unit, title="兼职",
                           post_level="section_chief", kind="lateral", is_main=False,
                           start_date=dt.date(2022, 6, 1))
        assert Appointment.objects.filter(cadre=cadre_in_street).count() == 3

    def test_current_main_post_updates_cadre(self, staff_user, cadre_in_street, tree):
        appointment_create(actor=staff_user, cadre=cadre_in_street, unit=tree["district"], title="副区长",
                           post_level="division_deputy", kind="exceptional_promotion",
                           exceptional_reason="任职年限破格", start_date=dt.date(2025, 1, 1))
        cadre = Cadre.objects.get(pk=cadre_in_street.pk)
        assert (cadre.unit_id, cadre.position_title, cadre.post_level) == (
            tree["district"].id, "副区长", "division_deputy")


class TestUnits:
    def test_moving_a_unit_moves_its_subtree(self, admin_user, tree):
        unit_update(unit=tree["district"], actor=admin_user, parent=tree["other"])
        street = Unit.objects.get(pk=tree["street"].pk)
        assert street.path == f"/{tree['other'].id}/{tree['district'].id}/{street.id}/"
        assert street.depth == 2

    def test_unit_cannot_move_below_itself(self, admin_user, tree):
        with pytest.raises(ValidationError) as exc:
            unit_update(unit=tree["city"], actor=admin_user, parent=tree["street"])
        assert "parent" in exc.value.message_dict

    def test_duplicate_code_refused(self, admin_user, tree):
        with pytest.raises(ValidationError) as exc:
            unit_create(actor=admin_user, name="重复", code="JN", kind="town")
        assert "code" in exc.value.message_dict

    def test_staff_may_not_create_units(self, staff_user):
        with pytest.raises(PermissionDenied):
            unit_create(actor=staff_user, name="新单位", code="NEW", kind="town")
