"""(stub: being written)"""
from django.http import HttpResponse

from ..access import sign_in_required, workspace_required


@sign_in_required
def home(request):
    return HttpResponse("workspace home")


@workspace_required()
def dashboard(request, lg):
    return HttpResponse(f"dashboard {lg.pk}")
