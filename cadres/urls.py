from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("units/", views.unit_tree, name="unit-tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("cadres/new/", views.cadre_create, name="cadre-create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre-detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre-edit"),
]
