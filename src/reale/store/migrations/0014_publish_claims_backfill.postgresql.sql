-- Publications recorded before 0011_publish_claims hold no claim: give each that may have posted
-- (sent, or pending: a try that may have gone through) the claim it would take today, so the
-- store's one answer per post covers them too. failed publications gave theirs back; dry runs
-- take none. The claim is (account, the reply's target post, '' or the reply's id for a further
-- reply); where old rows answered one post twice, the earliest publication holds it.
-- PostgreSQL: the reply's JSON body is read as json; PostgreSQL refuses a NUL (\u0000) in any of
-- its strings (a reply's text may hold one), so it is read with each \u0000 as \ufffd, the same
-- shape of escape: the target and the further flag read are untouched.
INSERT INTO publish_claims (account, target_uri, slot, reply_id, claimed_at)
SELECT p.account, b.body -> 'target' ->> 'uri',
       CASE WHEN (b.body ->> 'further') = 'true' THEN p.reply_id ELSE '' END, p.reply_id, p.at
FROM desk_publications p
JOIN (SELECT id, replace(body, '\u0000', '\ufffd')::json AS body FROM desk_replies) b
  ON b.id = p.reply_id
WHERE p.state IN ('sent', 'pending') AND (b.body -> 'target' ->> 'uri') IS NOT NULL
ORDER BY p.at, p.reply_id
ON CONFLICT (account, target_uri, slot) DO NOTHING
