from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("units/", views.unit_tree, name="unit-tree"),
    path("units/autocomplete/", views.unit_autocomplete, name="unit-autocomplete"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit-children"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("cadres/autocomplete/", views.cadre_autocomplete, name="cadre-autocomplete"),
    path("cadres/new/", views.CadreCreateView.as_view(), name="cadre-create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre-detail"),
    path("cadres/<int:pk>/edit/", views.CadreEditView.as_view(), name="cadre-edit"),
    path("cadres/<int:pk>/appointments/new/", views.AppointmentCreateView.as_view(), name="appointment-create"),
]
