-- Triggers that fire each other forever.
PRAGMA recursive_triggers = ON;
CREATE TABLE t (n INTEGER);
CREATE TRIGGER t_again AFTER INSERT ON t BEGIN
  INSERT INTO t VALUES (new.n + 1);
END;
INSERT INTO t VALUES (1);
