"""The Django admin's raw view of enquiries and their e-mails (the CTO's)."""

from django.contrib import admin

from .models import Enquiry, EnquiryMail


class EnquiryMailInline(admin.TabularInline):
    """The e-mails of an enquiry, read-only."""

    model = EnquiryMail
    extra = 0
    readonly_fields = ["to", "subject", "created_at", "sent_at", "attempts", "last_error"]
    fields = readonly_fields


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """Every field of an enquiry, searchable and filterable."""

    list_display = ["created_at", "letting_title", "name", "check_in", "check_out", "guests", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "letting_title", "message"]
    date_hierarchy = "created_at"
    inlines = [EnquiryMailInline]


@admin.register(EnquiryMail)
class EnquiryMailAdmin(admin.ModelAdmin):
    """The outbox: which e-mails were sent, which wait for the mail server."""

    list_display = ["created_at", "subject", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
