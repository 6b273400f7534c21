-- A recursive CTE that never ends.
CREATE TABLE t (n INTEGER);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)
SELECT count(*) FROM c;
