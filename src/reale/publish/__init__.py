"""Publishing approved replies to Bluesky, Mastodon and X (dry-run by default).

Every client accepts only a :class:`reale.desk.approval.ApprovedReply` and checks it against the
decision log before anything leaves the machine; see docs/publishing.md.
"""
