-- The FOI request being collected in a conversation (assistant.FOIDraft),
-- kept between turns as pending keeps a service request.
ALTER TABLE conversations ADD COLUMN foi TEXT; -- JSON assistant.FOIDraft, NULL when none
