-- The same through format(), printf's other name, with the precision
-- written in the format and the width from an argument.
CREATE TABLE t (s TEXT);
INSERT INTO t VALUES (format('%.2000000000c', 'a'));
INSERT INTO t VALUES (format('%*c', -2000000000, 'a'));
