from django.urls import path

from .views import account, dashboard, members, post, posted_links, profile

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
    path("<int:lg_pk>/officers/<int:membership_pk>/remove/", members.officer_remove,
         name="officer_remove"),
    path("<int:lg_pk>/invitations/<int:invitation_pk>/revoke/", members.invitation_revoke,
         name="invitation_revoke"),
    # The emailed link: a page with a button (POST) once signed in with that address.
    path("invitations/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path("account/", account.account_data, name="account"),
    path("account/delete/", account.account_delete, name="account_delete"),
]
