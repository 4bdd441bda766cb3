-- A follow's private link (module notify): the page the item's messages point to when it is
-- not public, e.g. a form file's tracking page (/forms/track/<token>), which only the resident
-- who filed it may open. Kept in clear in the follow row for exactly that purpose, with the
-- contact, and erased with it (unsubscribe, the item's end, a resident erasing their data);
-- never in a public row, an event or a log. NULL: the messages link to the item's public path.
ALTER TABLE notify_follows ADD COLUMN private_path text
	CHECK (private_path IS NULL OR private_path ~ '^/[!-~]{1,255}$');
COMMENT ON COLUMN notify_follows.private_path IS
	'the private page this follower''s messages link to (a secret: erased with the follow)';
