-- Counts kept beside what they count, by triggers, so that a feed page or
-- a list of groups reads one row instead of counting members, comments and
-- likes for each item on every request (see docs/architecture.md,
-- "Feed reads"). The triggers are the only writers of these columns.

-- groups.member_count: rows of group_members in state 'member'
ALTER TABLE groups ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE groups SET member_count = (SELECT count(*) FROM group_members m
  WHERE m.group_id = groups.id AND m.state = 'member');

CREATE TRIGGER group_members_count_insert AFTER INSERT ON group_members
  WHEN NEW.state = 'member'
BEGIN
  UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
END;
CREATE TRIGGER group_members_count_delete AFTER DELETE ON group_members
  WHEN OLD.state = 'member'
BEGIN
  UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
END;
CREATE TRIGGER group_members_count_update AFTER UPDATE OF group_id, state ON group_members
  WHEN OLD.group_id <> NEW.group_id OR (OLD.state = 'member') <> (NEW.state = 'member')
BEGIN
  UPDATE groups SET member_count = member_count - (OLD.state = 'member')
    WHERE id = OLD.group_id;
  UPDATE groups SET member_count = member_count + (NEW.state = 'member')
    WHERE id = NEW.group_id;
END;

-- posts.comment_count: its comments not deleted (replies included)
ALTER TABLE posts ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET comment_count = (SELECT count(*) FROM comments c
  WHERE c.post_id = posts.id AND c.deleted_ms IS NULL);

CREATE TRIGGER comments_count_insert AFTER INSERT ON comments
  WHEN NEW.deleted_ms IS NULL
BEGIN
  UPDATE posts SET comment_count = comment_count + 1 WHERE id = NEW.post_id;
END;
CREATE TRIGGER comments_count_delete AFTER DELETE ON comments
  WHEN OLD.deleted_ms IS NULL
BEGIN
  UPDATE posts SET comment_count = comment_count - 1 WHERE id = OLD.post_id;
END;
CREATE TRIGGER comments_count_update AFTER UPDATE OF post_id, deleted_ms ON comments
  WHEN OLD.post_id <> NEW.post_id OR (OLD.deleted_ms IS NULL) <> (NEW.deleted_ms IS NULL)
BEGIN
  UPDATE posts SET comment_count = comment_count - (OLD.deleted_ms IS NULL)
    WHERE id = OLD.post_id;
  UPDATE posts SET comment_count = comment_count + (NEW.deleted_ms IS NULL)
    WHERE id = NEW.post_id;
END;

-- posts.like_count: reactions to the post
ALTER TABLE posts ADD COLUMN like_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET like_count = (SELECT count(*) FROM reactions r
  WHERE r.target = 'post' AND r.target_id = posts.id);

CREATE TRIGGER reactions_count_insert AFTER INSERT ON reactions
  WHEN NEW.target = 'post'
BEGIN
  UPDATE posts SET like_count = like_count + 1 WHERE id = NEW.target_id;
END;
CREATE TRIGGER reactions_count_delete AFTER DELETE ON reactions
  WHEN OLD.target = 'post'
BEGIN
  UPDATE posts SET like_count = like_count - 1 WHERE id = OLD.target_id;
END;
