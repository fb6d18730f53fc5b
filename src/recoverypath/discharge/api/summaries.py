"""The discharge summary over JSON (read, sign, share, PDF) and the gap-in-care report."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.core.audit import audit_record_list
from recoverypath.core.pagination import paginate
from recoverypath.core.params import ScopedIdField, id_param

from .. import selectors, services
from ..models import DischargeSummary
from ..services.summary import summary_pdf


class DischargeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = DischargeSummary
        fields = ["id", "plan", "content", "generated_at", "signed_at", "signature_name"]
        read_only_fields = fields


class ShareSerializer(serializers.Serializer):
    referral = ScopedIdField(selectors.REFERRALS)


class DischargeSummaryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The discharge summary: read, sign (locks it), share under consent, download as PDF."""

    serializer_class = DischargeSummarySerializer
    queryset = DischargeSummary.objects.none()

    def get_object(self):
        return selectors.summary_get(user=self.request.user, summary_id=self.kwargs["pk"])

    @extend_schema(request=None, responses=DischargeSummarySerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        summary = services.summary_sign(actor=request.user, summary=self.get_object())
        return Response(DischargeSummarySerializer(summary).data)

    @extend_schema(request=ShareSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        summary = self.get_object()
        body = ShareSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        referral = selectors.referral_get(
            user=request.user, referral_id=body.validated_data["referral"].id
        )
        disclosure = services.summary_share(actor=request.user, summary=summary, referral=referral)
        return Response(
            {
                "disclosure": disclosure.id,
                "recipient": disclosure.recipient_name,
                "consent": disclosure.consent_id,
                "notice": disclosure.notice,
            }
        )

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        summary = self.get_object()
        response = HttpResponse(summary_pdf(summary=summary), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="discharge-summary-{summary.id}.pdf"'
        )
        return response


class GapReportView(APIView):
    """Graduates of a program with their gap in care (`?program=<id>`)."""

    @extend_schema(parameters=[OpenApiParameter("program", int, required=True)], responses=dict)
    def get(self, request):
        program_id = id_param(request.query_params, "program")
        if not program_id:
            raise serializers.ValidationError({"program": ["Give a program id."]})
        report = selectors.gap_report(user=request.user, program_id=program_id)
        page = paginate(request, report.rows, per_page=selectors.GAP_PAGE_SIZE)
        audit_record_list(actor=request.user, objects=[row.plan for row in page.object_list])
        return Response(
            {
                "page": page.number,
                "pages": page.paginator.num_pages,
                "program": program_id,
                "graduates": report.graduates,
                "within_target": report.within_target,
                "flagged": report.flagged,
                "no_contact": report.no_contact,
                "median_gap_days": report.median_gap,
                "results": [
                    {
                        "plan": row.plan.id,
                        "client": row.plan.client_id,
                        "graduated_on": row.plan.graduated_on,
                        "last_iop_session_on": row.last_iop_session_on,
                        "first_aftercare_contact_on": row.first_aftercare_contact_on,
                        "gap_days": row.gap_days,
                        "flagged": row.flagged,
                    }
                    for row in page.object_list
                ],
            }
        )
