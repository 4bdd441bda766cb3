-- The public dialogue (modules/dialogue): residents' questions, owned by the citizen platform
-- and mirrored on the official one, and the commune's answers, owned by the official platform
-- and mirrored on the citizen one. Same tables on both platforms; the times are the signed
-- events' (occurred_at), so both sides compute the same figures. Nothing personal is stored
-- here: an asker who wants to be told of the answer follows the question through the notify
-- module, which keeps the contact apart.
CREATE TABLE questions (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	ref text NOT NULL UNIQUE CHECK (ref ~ '^Q-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
	title text NOT NULL,
	body text NOT NULL,
	quarter text NOT NULL DEFAULT '',
	theme text NOT NULL DEFAULT '',
	display_name text NOT NULL DEFAULT '',
	lang text NOT NULL DEFAULT 'ar',
	-- the collective's moderation: pending (pre-moderated, not public yet), public, hidden
	visibility text NOT NULL DEFAULT 'public'
		CHECK (visibility IN ('pending', 'public', 'hidden')),
	hidden_reason text,
	text_sha256 text,
	-- the commune's side: open, answered (an answer or a pointer to one), merged (into another)
	state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'merged')),
	merged_into text,
	asked_at timestamptz,
	answered_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (origin, origin_id),
	CHECK ((visibility = 'pending') = (asked_at IS NULL)),
	CHECK ((state = 'open') = (answered_at IS NULL)),
	CHECK ((state = 'merged') = (merged_into IS NOT NULL))
);
COMMENT ON TABLE questions IS 'residents'' public questions to the commune (no personal data)';
COMMENT ON COLUMN questions.asked_at IS 'signed time of question.asked (NULL while pending)';
COMMENT ON COLUMN questions.answered_at IS 'signed time of the commune''s answer or merge';
COMMENT ON COLUMN questions.text_sha256 IS 'SHA-256 of title LF body once hidden (public)';
-- the public lists: newest first, by state; the agents' queue: oldest open first
CREATE INDEX questions_list ON questions (visibility, id DESC);
CREATE INDEX questions_state ON questions (visibility, state, id DESC);
CREATE INDEX questions_queue ON questions (asked_at, id) WHERE state = 'open' AND visibility = 'public';
-- the list's filters: a quarter, a theme, or both
CREATE INDEX questions_quarter ON questions (quarter, id DESC) WHERE visibility <> 'pending';
CREATE INDEX questions_quarter_theme ON questions (quarter, theme, id DESC)
	WHERE visibility <> 'pending';
CREATE INDEX questions_theme ON questions (theme, id DESC) WHERE visibility <> 'pending';
-- the questions merged into one (their askers are told when it is answered)
CREATE INDEX questions_merged ON questions (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE question_answers (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	question_ref text NOT NULL UNIQUE REFERENCES questions (ref),
	kind text NOT NULL CHECK (kind IN ('answer', 'pointer')),
	body jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(body) = 'object'),
	points_to text,
	cites jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(cites) = 'array'),
	answered_at timestamptz NOT NULL,
	UNIQUE (origin, origin_id),
	CHECK ((kind = 'pointer') = (points_to IS NOT NULL))
);
COMMENT ON TABLE question_answers IS 'the commune''s signed answers to residents'' questions';
COMMENT ON COLUMN question_answers.body IS '{"ar": .., "fr": ..}: the answer''s text per language';
COMMENT ON COLUMN question_answers.cites IS '[{kind, id | ref, title?}] what the answer cites; publication titles as they were when it was given';
CREATE INDEX question_answers_list ON question_answers (id DESC);
