"""Administrators manage the organisation here. Users are deactivated, never deleted."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ist.uploads import ImageUploadField, delete_after_commit
from teams.models import Letterhead, Membership, Municipality, Organisation, Team, User
from teams.services import user_deactivate, user_reactivate

admin.site.unregister(Group)  # roles are memberships, not groups


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0
    fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "email", "phone", "answer_deadline_days", "active"]
    list_filter = ["active"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MunicipalityInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a team with history is made inactive instead


class LetterheadForm(forms.ModelForm):
    # The logo goes through the one upload check (ist/uploads.py) and must be a PNG or JPEG image.
    logo = ImageUploadField(label="Logotyp", required=False)

    class Meta:
        model = Letterhead
        fields = ["name", "address", "logo"]


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    """The installation's letterhead: one row (the association's name, address and logo). The team's
    address, phone and e-mail are edited on each team."""

    form = LetterheadForm
    list_display = ["name", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Letterhead.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Letterhead, form: forms.ModelForm, change: bool) -> None:
        obj.pk = 1  # the single row (a check constraint holds it)
        old = Letterhead.objects.filter(pk=1).values_list("logo", flat=True).first() or ""
        super().save_model(request, obj, form, change)
        if old and old != obj.logo.name:
            delete_after_commit(obj.logo.storage, old)  # the replaced logo, once this commits


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "team"]
    list_editable = ["team"]
    list_select_related = ["team"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "municipality", "active"]
    list_filter = ["kind", "active", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["team", "role"]


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "first_name", "last_name", "organisation", "is_active", "is_administrator"]
    list_filter = [
        "is_active",
        "is_administrator",
        "is_steering_group",
        "is_referrer",
        "memberships__team",
        "memberships__role",
    ]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "phone", "title", "organisation"]}),
        ("Behörighet", {"fields": ["is_active", "is_administrator", "is_steering_group", "is_referrer"]}),
        ("Datum", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "usable_password", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = ()
    inlines = [MembershipInline]
    actions = ["deactivate", "reactivate", "reset_second_factor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: their history stays

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Unticking "aktiv" deactivates through the service, as the action does: the coordinators
        see at once what the user leaves without a responsible person (docs/decisions/0019)."""
        if not (change and "is_active" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        active = obj.is_active
        obj.is_active = not active
        super().save_model(request, obj, form, change)
        if active:
            user_reactivate(user=obj, by=cast("User", request.user))  # the admin is behind login
        else:
            user_deactivate(user=obj, by=cast("User", request.user))  # the admin is behind login

    @admin.action(description="Avaktivera valda användare")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = sum(
            user_deactivate(user=user, by=cast("User", request.user)) for user in queryset
        )  # admin: behind login
        self.message_user(request, f"{count} användare avaktiverades.", messages.SUCCESS)

    @admin.action(description="Återställ tvåstegsverifiering (en användare)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Opens the reset page, where the administrator writes why and how identity was checked."""
        if queryset.count() != 1:
            self.message_user(request, "Välj en användare i taget: varje återställning har sitt skäl.", messages.ERROR)
            return None
        return redirect("signin:reset", queryset.get().pk)

    @admin.action(description="Återaktivera valda användare")
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = sum(
            user_reactivate(user=user, by=cast("User", request.user)) for user in queryset
        )  # admin: behind login
        self.message_user(request, f"{count} användare återaktiverades.", messages.SUCCESS)
