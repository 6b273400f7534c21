-- One call that repeated a character two billion times (17 s inside
-- one sqlite3_step, where no progress handler runs).
SELECT printf('%.*c', 2000000000, 'a') IS NULL;
