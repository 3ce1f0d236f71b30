"""Resident identity numbers (公民身份号码), GB 11643-1999."""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    # NFKC turns full-width digits typed with a Chinese IME into ASCII ones.
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def parse(value: str) -> tuple[dt.date, str]:
    """Validate an ID number; return (birth date, gender 'M'/'F'). Raises ValidationError."""
    value = normalize(value)
    if not _SHAPE.match(value):
        raise ValidationError(_("身份证号应为18位：17位数字加1位数字或X。"), code="id_shape")
    if check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_check_digit")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth")
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return birth, gender


MASK_SHOWN = 6  # the region code; everything after it is hidden


def mask(value: str) -> str:
    """110105************: the region code only.

    Positions 7 to 14 are the birth date, which pages and the API show beside the number, so
    positions 15 to 18 must stay hidden too: with the date they rebuild the whole number (the
    check digit is computed from the rest, the sequence is three digits). API.md, "Personal
    data"."""
    value = normalize(value)
    if len(value) != 18:
        return "*" * len(value)
    return value[:MASK_SHOWN] + "*" * (18 - MASK_SHOWN)


def make(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid number (demo data and tests): sequence 0-99, gender sets the parity."""
    seq = f"{sequence % 100:02d}"
    gender_digit = (sequence % 5) * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq}{gender_digit}"
    return first17 + check_digit(first17)
