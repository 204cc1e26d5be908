from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Certificate, EnvironmentProfile, OperationReport


class CertificateInline(ReadOnlyMixin, admin.TabularInline):
    model = Certificate
    extra = 0


class ReportInline(ReadOnlyMixin, admin.TabularInline):
    model = OperationReport
    extra = 0


@admin.register(EnvironmentProfile)
class EnvironmentProfileAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "country", "premises", "status", "accepted_at"]
    list_filter = ["status", "premises"]
    inlines = [CertificateInline, ReportInline]
