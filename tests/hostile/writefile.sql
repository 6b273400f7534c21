CREATE TABLE t (a BLOB);
INSERT INTO t VALUES (writefile('@TMP@/written.txt', 'pwned'));
