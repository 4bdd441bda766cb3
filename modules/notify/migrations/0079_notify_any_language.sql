-- Messages and follows in any enabled language (Tamazight "kab", a theme's own), not only ar, fr
-- and en: the same language-code shape the daemon checks (i18n_is_lang_tag).
ALTER TABLE notify_follows DROP CONSTRAINT notify_follows_lang_check,
	ADD CONSTRAINT notify_follows_lang_check
		CHECK (lang ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,})*$' AND length(lang) <= 8);
ALTER TABLE notify_messages DROP CONSTRAINT notify_messages_lang_check,
	ADD CONSTRAINT notify_messages_lang_check
		CHECK (lang ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,})*$' AND length(lang) <= 8);
