"""(stub: being written)"""
from django.http import HttpResponse

from ..access import workspace_required


@workspace_required("profiles.edit_profile")
def profile_edit(request, lg):
    return HttpResponse("profile")
