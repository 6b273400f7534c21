SELECT edit('x', 'sh -c "touch @TMP@/edited"');
