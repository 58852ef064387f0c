-- What a security event is about (an e-mail, a setting), newest first:
-- the sign-ins of one person, failures included ("was this you?"), and the
-- viewer's filter on a user, whose failed sign-ins carry no user_id (the
-- actor of a refused sign-in is anonymous) but name the account as target.
CREATE INDEX trail_target ON trail (target, seq) WHERE kind = 1;
