-- Strings that double until memory runs out.
CREATE TABLE t (b BLOB);
WITH RECURSIVE c(i, s) AS (
  SELECT 1, randomblob(1000000)
  UNION ALL
  SELECT i + 1, s || randomblob(1000000) FROM c
)
INSERT INTO t SELECT s FROM c;
