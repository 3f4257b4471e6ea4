"""(stub: being written)"""
from django.http import HttpResponse

from ..access import sign_in_required, workspace_required


@workspace_required("accounts.manage_officers")
def officers(request, lg):
    return HttpResponse("officers")


@workspace_required("accounts.manage_officers")
def officer_remove(request, lg, membership_pk):
    return HttpResponse("remove")


@workspace_required("accounts.manage_officers")
def invitation_revoke(request, lg, invitation_pk):
    return HttpResponse("revoke")


@sign_in_required
def invitation_accept(request, token):
    return HttpResponse("accept")
