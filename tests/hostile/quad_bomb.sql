-- instr() compares every byte of one string with every byte of another
-- inside one call (minutes before the sandbox bounded like, glob, instr,
-- replace and trim).
SELECT instr(printf('%.*c', 20000000, 'a'), printf('%.*c', 1000000, 'a') || 'b');
