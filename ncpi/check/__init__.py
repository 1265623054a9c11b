"""Stage 2, check: load, schema, domain rules, partial reports and the Welsh pair."""
