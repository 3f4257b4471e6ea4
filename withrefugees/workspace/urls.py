from django.urls import path

from .views import (
    account,
    dashboard,
    events,
    members,
    pledge_documents,
    pledge_progress,
    pledges,
    post,
    posted_links,
    profile,
    support,
)

app_name = "workspace"
urlpatterns = [
    # Home: the local governments one is an officer of (straight to the dashboard of one).
    path("", dashboard.home, name="home"),
    path("<int:lg_pk>/", dashboard.dashboard, name="dashboard"),
    path("<int:lg_pk>/profile/", profile.profile_edit, name="profile"),
    path("<int:lg_pk>/officers/", members.officers, name="officers"),
    # Step 2: the post kit and the addresses of the posts made.
    path("<int:lg_pk>/post/", post.post_kit, name="post_kit"),
    path("<int:lg_pk>/post/links/", posted_links.posted_links, name="posted_links"),
    path("<int:lg_pk>/post/links/<int:link_pk>/remove/", posted_links.posted_link_remove,
         name="posted_link_remove"),
    # Step 3: events (register, edit, submit, cancel, photos and report after the event)
    # and support requests to UNHCR.
    path("<int:lg_pk>/events/", events.event_list, name="events"),
    path("<int:lg_pk>/events/new/", events.event_new, name="event_new"),
    path("<int:lg_pk>/events/<int:event_pk>/", events.event_edit, name="event_edit"),
    path("<int:lg_pk>/events/<int:event_pk>/submit/", events.event_submit,
         name="event_submit"),
    path("<int:lg_pk>/events/<int:event_pk>/cancel/", events.event_cancel,
         name="event_cancel"),
    path("<int:lg_pk>/events/<int:event_pk>/report/", events.event_report,
         name="event_report"),
    path("<int:lg_pk>/events/<int:event_pk>/photos/<int:photo_pk>/remove/",
         events.event_photo_remove, name="event_photo_remove"),
    path("<int:lg_pk>/support/", support.support_list, name="support_requests"),
    path("<int:lg_pk>/support/new/", support.support_new, name="support_new"),
    path("<int:lg_pk>/support/<int:request_pk>/", support.support_detail,
         name="support_request"),
    # Step 4: pledges (the builder with its checklist, Word and PDF documents, submission,
    # progress reports); a co-pledging local government's officers read its joint pledges.
    path("<int:lg_pk>/pledges/", pledges.pledge_list, name="pledges"),
    path("<int:lg_pk>/pledges/new/", pledges.pledge_new, name="pledge_new"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/", pledges.pledge_edit, name="pledge_edit"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/submit/", pledges.pledge_submit,
         name="pledge_submit"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/withdraw/", pledges.pledge_withdraw,
         name="pledge_withdraw"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/delete/", pledges.pledge_delete,
         name="pledge_delete"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/pledge-<str:language>.docx",
         pledge_documents.pledge_docx,
         name="pledge_docx"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/pledge-<str:language>.pdf",
         pledge_documents.pledge_pdf,
         name="pledge_pdf"),
    path("<int:lg_pk>/pledges/<int:pledge_pk>/progress/", pledge_progress.pledge_progress,
         name="pledge_progress"),
    # "Start from this pledge": copy a published pledge into a new draft (choose the local
    # government when one is an officer of several).
    path("pledges/start-from/<int:source_pk>/", pledges.pledge_start_from,
         name="pledge_start_from"),
    path("<int:lg_pk>/officers/<int:membership_pk>/remove/", members.officer_remove,
         name="officer_remove"),
    path("<int:lg_pk>/invitations/<int:invitation_pk>/revoke/", members.invitation_revoke,
         name="invitation_revoke"),
    # The emailed link: a page with a button (POST) once signed in with that address.
    path("invitations/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path("account/", account.account_data, name="account"),
    path("account/delete/", account.account_delete, name="account_delete"),
]
