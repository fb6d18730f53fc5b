from __future__ import annotations

from django import forms

from recoverypath.accounts.selectors import PROGRAMS, STAFF, program_list_for_user, program_staff
from recoverypath.care.selectors import clients_with_active_episode
from recoverypath.clients.selectors import CLIENTS, clients_in_programs
from recoverypath.core.modality import Modality, SupportGroupTag
from recoverypath.core.params import ScopedChoiceField, scope_form
from recoverypath.core.permissions import Rank, staff_program_ids

from .models import (
    GROUP_TYPES,
    INDIVIDUAL_TYPES,
    Attendance,
    ClinicalNote,
    Group,
    Room,
    SessionType,
)
from .selectors import ROOMS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class GroupForm(forms.ModelForm):
    program = ScopedChoiceField(PROGRAMS)
    facilitator = ScopedChoiceField(STAFF)
    room = ScopedChoiceField(ROOMS, required=False)
    modality = forms.ChoiceField(
        choices=[("", "---------"), *Modality.choices], required=False, initial=Modality.IN_PERSON
    )
    telehealth_url = forms.URLField(
        required=False,
        label="Join link (video)",
        assume_scheme="https",
        help_text="Needed for video; must start with https://.",
    )
    call_details = forms.CharField(
        max_length=200, required=False, label="Phone details", help_text="The number to call."
    )
    tags = forms.MultipleChoiceField(
        choices=SupportGroupTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who the group is for",
    )

    class Meta:
        model = Group
        fields = [
            "program",
            "name",
            "session_type",
            "track",
            "facilitator",
            "room",
            "modality",
            "telehealth_url",
            "call_details",
            "tags",
            "capacity",
            "rrule",
            "start_date",
            "start_time",
            "duration_minutes",
            "end_date",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "start_time": TIME}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, program=program_list_for_user(user=user, min_rank=Rank.CLINICIAN))
        self.fields["session_type"].choices = [
            (value, label) for value, label in SessionType.choices if value in GROUP_TYPES
        ]
        self.fields["rrule"].initial = "FREQ=WEEKLY;BYDAY=MO,WE,TH"


class BookingForm(forms.Form):
    client = ScopedChoiceField(CLIENTS)
    session_type = forms.ChoiceField(
        choices=[(v, label) for v, label in SessionType.choices if v in INDIVIDUAL_TYPES]
    )
    facilitator = ScopedChoiceField(STAFF, label="Clinician")
    date = forms.DateField(widget=DATE)
    time = forms.TimeField(widget=TIME, help_text="Local time of the client's program.")
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=50)
    room = ScopedChoiceField(ROOMS, required=False)
    # Blank (an older page or script): video when there is a link and no room, else in person.
    modality = forms.ChoiceField(
        choices=[("", "---------"), *Modality.choices], required=False, initial=Modality.IN_PERSON
    )
    telehealth_url = forms.URLField(
        required=False,
        label="Join link (video)",
        assume_scheme="https",
        help_text="Needed for video; must start with https://.",
    )
    call_details = forms.CharField(
        max_length=200, required=False, label="Phone details", help_text="The number to call."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(
            self,
            user,
            client=clients_in_programs(program_ids=staff_program_ids(user)),
            room=Room.objects.filter(is_active=True),
        )


class MoveForm(forms.Form):
    date = forms.DateField(widget=DATE)
    time = forms.TimeField(widget=TIME)
    duration_minutes = forms.IntegerField(min_value=5, max_value=720)
    room = ScopedChoiceField(ROOMS, required=False)
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user, room=Room.objects.filter(program_id=session.program_id))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300)


class AttendanceRowForm(forms.Form):
    client_id = ScopedChoiceField(CLIENTS, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=Attendance.Status.choices)
    minutes_attended = forms.IntegerField(min_value=0, max_value=720, required=False)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(self, user)  # the service then refuses anyone not on the session's roster


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=0)


class NoteForm(forms.ModelForm):
    class Meta:
        model = ClinicalNote
        fields = ["data", "assessment", "plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class AddendumForm(forms.Form):
    text = forms.CharField(label="Addendum", widget=forms.Textarea(attrs={"rows": 3}))


class EnrollClientForm(forms.Form):
    client = ScopedChoiceField(CLIENTS)
    waitlist = forms.BooleanField(
        required=False, initial=True, label="Put on the waitlist if the group is full"
    )

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form(
            self,
            user,
            client=clients_with_active_episode(program_id=group.program_id),
        )


class HolidayForm(forms.Form):
    date = forms.DateField(widget=DATE)
    name = forms.CharField(max_length=100)


def program_staff_choices(program_id: int):
    return program_staff(program_id=program_id)
