"""(stub: being written)"""
from django.http import HttpResponse

from ..access import sign_in_required


@sign_in_required
def account_data(request):
    return HttpResponse("account")


@sign_in_required
def account_delete(request):
    return HttpResponse("delete")
