-- The sqlite3 shell's file functions.
CREATE TABLE t (a BLOB);
INSERT INTO t VALUES (readfile('/etc/passwd'));
