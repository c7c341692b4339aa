"""Administrators manage questionnaires here: the questionnaire with its due rules, each version with its
questions, each question with its options. A published version is read-only (the models refuse changes:
FrozenVersion); "Skapa ny version" copies it as a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ist.errors import NotAllowedNow
from ist.questionnaires import services
from ist.questionnaires.models import DueRule, Indicator, Option, Question, Questionnaire, QuestionnaireVersion

NATIONAL_NOTE = (
    "Produkten levereras bara med exempelenkäter i egen formulering. Den nationella enkäten "
    "(Indikatorer för finansiell samordning, Nationella nätverket för samordningsförbund) läggs in här av "
    "administratören med exakt den formulering som nätverket anger: den får inte ändras. Markera för varje "
    "fråga vilken indikator den hör till och vilka svarsalternativ som räknas som positiva."
)


class FrozenInlineMixin:
    """Inlines of a published version cannot add, change or delete."""

    def _frozen(self, obj: Any) -> bool:
        version = obj if isinstance(obj, QuestionnaireVersion) else getattr(obj, "version", None)
        return bool(version and version.published)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class DueRuleInline(admin.TabularInline):
    model = DueRule
    extra = 0


class VersionInline(admin.TabularInline):
    model = QuestionnaireVersion
    extra = 0
    fields = ["number", "published_at"]
    readonly_fields = ["number", "published_at"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "respondent_group", "anonymous", "active"]
    inlines = [VersionInline, DueRuleInline]
    actions = ["new_version"]
    fieldsets = [(None, {"fields": ["name", "respondent_group", "anonymous", "active"], "description": NATIONAL_NOTE})]

    @admin.action(description="Skapa ny version (kopia av den senaste, som utkast)")
    def new_version(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        for questionnaire in queryset:
            draft = services.version_new_draft(questionnaire=questionnaire, by=request.user)  # type: ignore[arg-type]  # the admin is behind login
            self.message_user(request, f"{questionnaire}: version {draft.number} är ett utkast.")


class QuestionInline(FrozenInlineMixin, admin.StackedInline):
    model = Question
    extra = 0
    fields = ["order", "text", "help_text", "answer_type", "required", "indicator", "measures_progress"]
    show_change_link = True


@admin.register(QuestionnaireVersion)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at"]
    list_filter = ["questionnaire"]
    inlines = [QuestionInline]
    actions = ["publish"]
    readonly_fields = ["published_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.published:
            return ["questionnaire", "number", "intro", "published_at"]
        return self.readonly_fields

    @admin.action(description="Publicera (frysa) valda versioner")
    def publish(self, request: HttpRequest, queryset: QuerySet[QuestionnaireVersion]) -> None:
        for version in queryset:
            try:
                services.version_publish(version=version, by=request.user)  # type: ignore[arg-type]  # behind login
            except NotAllowedNow as error:
                self.message_user(request, f"{version}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{version} är publicerad.")


class OptionInline(FrozenInlineMixin, admin.TabularInline):
    model = Option
    extra = 0
    fields = ["order", "label", "value", "positive"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "answer_type", "indicator"]
    list_filter = ["version__questionnaire"]
    inlines = [OptionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and obj.version.published
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and obj.version.published
        return not frozen and super().has_delete_permission(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "goal_percent"]
