"""HTML views for units and cadres (filled in by the browser work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def unit_tree(request):
    return HttpResponse("units")


unit_detail = cadre_list = cadre_create = cadre_detail = cadre_edit = unit_tree
