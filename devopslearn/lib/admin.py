"""Admin form fields that answer any typed id with a form error, never a 500.

- Django's autocomplete widget looks the submitted value up to show it again when the form has an
  error; a value that is not an id (``abc`` typed into a membership's user field) made that lookup
  raise. Here such values are dropped before the lookup: the field shows nothing chosen, with its
  own "Select a valid choice" error.
- A many-to-many field (a cohort's leads, a module's prerequisites, a user's groups) checked an id
  beyond 64 bits with a query that SQLite refuses (OverflowError): such an id is now a form error.

Every ModelAdmin or inline with autocomplete or many-to-many fields uses ``SafeIdFieldsMixin``;
tests/security/test_admin_bad_input.py posts bad values to every form of the admin.
"""

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError

from devopslearn.lib.sql import storable


class _ValidValuesOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        valid = []
        for item in value:
            try:
                python = target.to_python(item)
            except ValidationError:
                continue
            if not isinstance(python, int) or storable(target, python):
                valid.append(item)
        return super().optgroups(name, valid, attr)


class AutocompleteSelect(_ValidValuesOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidValuesOnly, widgets.AutocompleteSelectMultiple):
    pass


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id the column cannot hold before it reaches the database."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        target = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        for item in value if isinstance(value, list | tuple) else []:
            try:
                python = target.to_python(item)
            except ValidationError:
                continue  # Django's own check names it
            if isinstance(python, int) and not storable(target, python):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class SafeIdFieldsMixin:
    """For a ModelAdmin or an inline: its autocomplete and many-to-many fields use the classes above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is widgets.AutocompleteSelect:
            field.widget = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and type(field.widget) is widgets.AutocompleteSelectMultiple:
            field.widget = AutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return field
