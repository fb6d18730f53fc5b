"""What the alumni API shows and reads. Other people appear by first name only (and what a
member chose to write about themself); no record, date or score of another client."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recoverypath.core.params import ScopedIdField

from ..models import Announcement, Event, HelpRequest, Member, MentorMatch, MentorOffer, Rsvp
from ..selectors import ASKABLE_OFFERS, MODERATED_PROGRAMS

# Output


class AlumniMemberSerializer(serializers.ModelSerializer):
    """The caller's own membership."""

    status = serializers.ChoiceField(choices=Member.Status.choices, read_only=True)

    class Meta:
        model = Member
        fields = ["id", "program", "status", "listed", "about", "joined_at", "status_reason"]
        read_only_fields = fields


class AlumniMembershipSerializer(serializers.Serializer):
    eligible = serializers.BooleanField(help_text="The client has finished IOP.")
    member = AlumniMemberSerializer(allow_null=True, help_text="Null when the client never joined.")


class AlumniListingSerializer(serializers.Serializer):
    """A fellow listed member, as other listed members see them."""

    first_name = serializers.CharField()
    about = serializers.CharField(allow_blank=True)


class AlumniMemberStaffSerializer(serializers.ModelSerializer):
    """A member as the program's moderators see them (first name, status)."""

    client = serializers.IntegerField(source="client_id", read_only=True)
    first_name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Member.Status.choices, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "client",
            "first_name",
            "program",
            "status",
            "listed",
            "about",
            "joined_at",
            "status_reason",
        ]
        read_only_fields = fields


class AlumniAnnouncementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = ["id", "program", "title", "body", "created_at"]
        read_only_fields = fields


class AlumniEventSerializer(serializers.ModelSerializer):
    going_count = serializers.IntegerField(read_only=True, help_text="Members who said yes.")
    going = serializers.SerializerMethodField(help_text="The calling member's answer (members).")

    class Meta:
        model = Event
        fields = [
            "id",
            "program",
            "title",
            "starts_at",
            "place",
            "online_url",
            "cancelled",
            "going_count",
            "going",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_going(self, event: Event) -> bool | None:
        return getattr(event, "i_am_going", None)


class AlumniRsvpSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rsvp
        fields = ["event", "going", "updated_at"]
        read_only_fields = fields


class MentorSerializer(serializers.ModelSerializer):
    """An approved mentor a client may ask: first name and what they offer."""

    first_name = serializers.CharField(source="member.first_name", read_only=True)

    class Meta:
        model = MentorOffer
        fields = ["id", "first_name", "note"]
        read_only_fields = fields


class MentorOfferSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    first_name = serializers.CharField(source="member.first_name", read_only=True)
    status = serializers.ChoiceField(choices=MentorOffer.Status.choices, read_only=True)

    class Meta:
        model = MentorOffer
        fields = ["id", "member", "first_name", "note", "status", "created_at", "decided_at"]
        read_only_fields = fields


class MentorMatchSerializer(serializers.ModelSerializer):
    """A mentor match, both people by first name only."""

    status = serializers.ChoiceField(choices=MentorMatch.Status.choices, read_only=True)
    offer = serializers.IntegerField(source="offer_id", read_only=True)
    mentor_first_name = serializers.SerializerMethodField()
    mentee_first_name = serializers.SerializerMethodField()

    class Meta:
        model = MentorMatch
        fields = [
            "id",
            "offer",
            "status",
            "mentor_first_name",
            "mentee_first_name",
            "mentee_agreed_at",
            "mentor_agreed_at",
            "approved_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_mentor_first_name(self, match: MentorMatch) -> str:
        return match.offer.member.first_name

    def get_mentee_first_name(self, match: MentorMatch) -> str:
        return match.mentee.preferred_name or match.mentee.first_name


class AlumniHelpRequestSerializer(serializers.ModelSerializer):
    alert = serializers.IntegerField(source="alert_id", read_only=True, allow_null=True)

    class Meta:
        model = HelpRequest
        fields = ["id", "message", "alert", "created_at"]
        read_only_fields = fields


# Input


class AlumniJoinSerializer(serializers.Serializer):
    listed = serializers.BooleanField(
        default=False,
        help_text="Shown (first name only) to other members who are listed too.",
    )
    about = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MentorNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AlumniHelpInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AlumniSuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="The member is told.")


class AlumniDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class MentorAgreeSerializer(serializers.Serializer):
    agree = serializers.BooleanField()


class AlumniRsvpInputSerializer(serializers.Serializer):
    going = serializers.BooleanField()


class MentorAskSerializer(serializers.Serializer):
    offer = ScopedIdField(ASKABLE_OFFERS, help_text="An approved mentor of the client's program.")


class AlumniAnnouncementInputSerializer(serializers.Serializer):
    program = ScopedIdField(MODERATED_PROGRAMS)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000)


class AlumniEventInputSerializer(serializers.Serializer):
    program = ScopedIdField(MODERATED_PROGRAMS)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    online_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
