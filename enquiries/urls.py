"""The enquiry's addresses."""

from django.urls import path

import core.converters  # noqa: F401  registers <dbid:...>

from . import views

urlpatterns = [
    path("enquiries/start/", views.enquiry_start, name="enquiry_start"),
    path("enquiries/<dbid:letting_id>/send/", views.send_enquiry, name="send_enquiry"),
    path("enquiries/sent/<str:token>/", views.enquiry_sent, name="enquiry_sent"),
]
