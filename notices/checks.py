"""System checks of notices: WeasyPrint subsets fonts through HarfBuzz's subsetter; without
libharfbuzz-subset a CJK page takes seconds instead of about 0.1 s, and the PDF embeds whole
fonts."""

import ctypes.util

from django.core.checks import Warning, register


@register()
def harfbuzz_subset(app_configs=None, **kwargs):
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [Warning(
        "libharfbuzz-subset is missing: notices' PDFs will render slowly and embed whole fonts.",
        hint="apt-get install libharfbuzz-subset0 (make sysdeps does it).",
        id="notices.W001")]
