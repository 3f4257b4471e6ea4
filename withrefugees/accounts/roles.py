"""Staff roles: named groups with exactly the permissions a job needs (least privilege).

A role is a ``django.contrib.auth`` ``Group`` whose permissions are defined here, in code,
and written to the database by ``accounts.services.roles_sync`` (run by
``manage.py release``). Editing a role's permissions in the admin lasts only until the next
release; give a person a role by adding them to its group (admin, Users → Groups).

Permissions are ``"<app_label>.<codename>"`` strings, as ``User.has_perm`` takes them.
"""

# UNHCR staff who review signatures: see the review queue and the signatures, publish,
# reject (with a reason from the list) and withdraw them (``campaign.review_signature``,
# checked by the review page and the bulk actions), read the statement versions signed
# and the audit trail, and the outgoing emails. They cannot edit statements, reasons, users
# or reference data.
REVIEWERS = "UNHCR reviewers"

ROLES: dict[str, frozenset[str]] = {
    REVIEWERS: frozenset({
        "campaign.view_signature",
        "campaign.view_signatureawaitingreview",
        "campaign.review_signature",
        "campaign.view_rejectionreason",
        "campaign.view_statementversion",
        "campaign.view_statementtext",
        "core.view_auditentry",
        "core.view_outboundemail",  # the emails sent to signers, and why one failed
        "core.retry_outboundemail",  # send a failed one again (e.g. after a mailbox is fixed)
        # Moderation of the officer-edited profiles: hide a field that breaks the rules
        # (``profiles.services.profile_hide_fields``, audited).
        "profiles.view_profile",
        "profiles.change_profile",
        "profiles.view_socialaccount",
        # Officers of local governments (added and removed through accounts.services under
        # the rule accounts.manage_officers): the local government field's autocomplete.
        "places.view_localgovernment",
        # Step 2: the ready-made posts and the UNHCR accounts they mention (edited through
        # social.services_posts, audited); posted links, hidden or shown again with a
        # reason (social.services.posted_link_hide/show).
        "social.view_posttemplate",
        "social.change_posttemplate",
        "social.view_mention",
        "social.add_mention",
        "social.change_mention",
        "social.delete_mention",
        "social.view_postedlink",
        "social.change_postedlink",
        # Step 3: review events (approve, send back: ``events.change_event`` with the rule
        # events.review_events, through events.services_review), the support queue
        # (reply, status: ``change_supportrequest``), landmarks (corrected, audited), the
        # World Refugee Day reminder dates, what was reminded, the reported totals; exports
        # of events and support requests (rule events.export with the view permissions).
        "events.view_event",
        "events.view_eventawaitingreview",
        "events.change_event",
        "events.view_eventpartner",
        "events.view_eventphoto",
        "events.view_landmark",
        "events.add_landmark",
        "events.change_landmark",
        "events.view_supportrequest",
        "events.change_supportrequest",
        "events.view_supportitem",
        "events.view_supportreply",
        "events.view_reminderschedule",
        "events.add_reminderschedule",
        "events.change_reminderschedule",
        "events.view_remindersent",
        "events.view_reportedtotal",
        # Step 4: review pledges (approve, send back, record the GCR reference:
        # ``pledges.change_pledge`` with the rule pledges.review, through
        # pledges.services_review), stale pledges, areas of focus and multistakeholder
        # pledges (added and corrected, audited, never deleted), the reminder period, what
        # was reminded; exports of pledges and progress reports (rule pledges.export).
        "pledges.view_pledge",
        "pledges.change_pledge",
        "pledges.view_pledgeawaitingreview",
        "pledges.view_stalepledge",
        "pledges.view_copledger",
        "pledges.view_pledgetarget",
        "pledges.view_progressreport",
        "pledges.view_targetprogress",
        "pledges.view_areaoffocus",
        "pledges.add_areaoffocus",
        "pledges.change_areaoffocus",
        "pledges.view_multistakeholderpledge",
        "pledges.add_multistakeholderpledge",
        "pledges.change_multistakeholderpledge",
        "pledges.view_pledgeremindersettings",
        "pledges.add_pledgeremindersettings",
        "pledges.change_pledgeremindersettings",
        "pledges.view_pledgeremindersent",
    }),
}
