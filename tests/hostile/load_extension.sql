-- Load native code.
SELECT load_extension('@TMP@/evil.so');
