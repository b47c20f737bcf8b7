-- Publications recorded before 0011_publish_claims hold no claim: give each that may have posted
-- (sent, or pending: a try that may have gone through) the claim it would take today, so the
-- store's one answer per post covers them too. failed publications gave theirs back; dry runs
-- take none. The claim is (account, the reply's target post, '' or the reply's id for a further
-- reply); where old rows answered one post twice, the earliest publication holds it.
-- SQLite: the reply's target and further flag are read from its JSON body (see the PostgreSQL file).
INSERT INTO publish_claims (account, target_uri, slot, reply_id, claimed_at)
SELECT p.account, json_extract(r.body, '$.target.uri'),
       CASE WHEN json_extract(r.body, '$.further') THEN r.id ELSE '' END, p.reply_id, p.at
FROM desk_publications p JOIN desk_replies r ON r.id = p.reply_id
WHERE p.state IN ('sent', 'pending') AND json_valid(r.body)
  AND json_extract(r.body, '$.target.uri') IS NOT NULL
ORDER BY p.at, p.reply_id
ON CONFLICT (account, target_uri, slot) DO NOTHING
